// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Quiet audio cues, synthesised in code: a soft rising two-note chime for success and a
// single lower soft tone for "please see a volunteer". No buzzers. A kiosk without an
// audio device plays nothing and keeps working.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace checkin::platform {

enum class Cue { success, see_volunteer };
const char* to_string(Cue cue);

// The loudest sample a cue at this volume (0..100, clamped) may reach. Loudness follows
// the square of the volume (closer to how ears hear it than a straight line), and even 100
// stays at half of full scale: these are cues, not alarms.
std::int16_t cue_peak_limit(int volume_percent);

// Mono signed 16-bit PCM for a cue. Every note is a sine with a smooth attack and release,
// so the sound starts and ends at silence without clicks. Volume 0 gives no samples.
std::vector<std::int16_t> synthesize_cue(Cue cue, int volume_percent, int sample_rate = 48000);

// Plays cues through SDL2 audio on a thread of its own, so the UI thread never waits for an
// audio device. The device is opened on the first cue and closed again after a few quiet
// seconds (an open SDL device wakes its thread hundreds of times a second, even silent).
// Without an audio device (none present, SDL_AUDIODRIVER=dummy or a driver that fails) cues
// are dropped and that is logged once.
//
// Construct and destroy it on the thread that calls SDL_Init/SDL_Quit (the main thread):
// it initialises and releases SDL's audio subsystem.
class SoundPlayer {
 public:
  explicit SoundPlayer(int volume_percent = 50);
  ~SoundPlayer();

  SoundPlayer(const SoundPlayer&) = delete;
  SoundPlayer& operator=(const SoundPlayer&) = delete;

  // 0..100 (clamped); 0 is silent and opens no device. Applies to the next cue.
  void set_volume(int volume_percent);
  int volume() const;

  // Returns at once. A new cue cuts off one still playing.
  void play(Cue cue);

  // Blocks until every cue asked for so far has been handed to the device (or dropped).
  // For tests and an orderly shutdown.
  void flush();

  struct Stats {
    std::uint64_t cues_played = 0;   // queued to an audio device
    std::uint64_t cues_dropped = 0;  // no device, or volume 0
    bool device_open = false;
  };
  Stats stats() const;

 private:
  void run();
  void play_now(Cue cue, int volume_percent);
  void close_device();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Cue> requests_;
  std::uint64_t requested_ = 0;
  std::uint64_t handled_ = 0;
  int volume_ = 50;
  bool stopping_ = false;
  Stats stats_;

  bool audio_initialised_ = false;  // SDL_InitSubSystem(SDL_INIT_AUDIO) succeeded
  bool reported_no_device_ = false;
  std::uint32_t device_ = 0;        // SDL_AudioDeviceID; 0 = closed (sound thread only)
  int device_rate_ = 48000;

  std::thread thread_;
};

}  // namespace checkin::platform
