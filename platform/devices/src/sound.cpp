// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/sound.hpp"

#include <SDL.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "checkin/core/log.hpp"

namespace checkin::platform {

namespace {

constexpr double kLoudest = 0.5;  // of full scale, at volume 100
constexpr auto kKeepDeviceOpen = std::chrono::seconds(3);
constexpr std::size_t kMaxWaitingCues = 8;

struct Note {
  double frequency;  // Hz
  double start;      // s from the start of the cue
  double length;     // s
  double attack;     // s of fade-in
  double release;    // s of fade-out at the end
  double decay;      // s: time constant of the gentle exponential fade while it sounds
  double level;      // relative to the other notes of the cue
};

std::vector<Note> notes_of(Cue cue) {
  switch (cue) {
    case Cue::success:  // E5 then A5, overlapping a little, like a soft doorbell
      return {{659.25, 0.005, 0.18, 0.012, 0.06, 0.18, 0.8}, {880.00, 0.125, 0.32, 0.012, 0.12, 0.22, 1.0}};
    case Cue::see_volunteer:  // one G4, slower to rise and fall: calm, not an alarm
      return {{392.00, 0.005, 0.42, 0.035, 0.15, 0.40, 1.0}};
  }
  return {};
}

double smooth_step(double x) {  // 0..1 -> 0..1 with zero slope at both ends
  const double s = std::sin(std::numbers::pi / 2 * std::clamp(x, 0.0, 1.0));
  return s * s;
}

}  // namespace

const char* to_string(Cue cue) {
  switch (cue) {
    case Cue::success: return "success";
    case Cue::see_volunteer: return "see_volunteer";
  }
  return "?";
}

std::int16_t cue_peak_limit(int volume_percent) {
  const double volume = std::clamp(volume_percent, 0, 100) / 100.0;
  return static_cast<std::int16_t>(std::lround(32767.0 * kLoudest * volume * volume));
}

std::vector<std::int16_t> synthesize_cue(Cue cue, int volume_percent, int sample_rate) {
  const std::int16_t limit = cue_peak_limit(volume_percent);
  if (limit == 0 || sample_rate <= 0) return {};

  const auto notes = notes_of(cue);
  double end = 0;
  for (const auto& note : notes) end = std::max(end, note.start + note.length);
  end += 0.010;  // a little silence after, so the device never cuts the tail
  const auto total = static_cast<std::size_t>(std::ceil(end * sample_rate));

  std::vector<double> wave(total, 0.0);
  for (const auto& note : notes) {
    const auto first = static_cast<std::size_t>(std::llround(note.start * sample_rate));
    const auto count = static_cast<std::size_t>(std::llround(note.length * sample_rate));
    for (std::size_t i = 0; i < count && first + i < total; ++i) {
      const double t = static_cast<double>(i) / sample_rate;
      const double envelope = smooth_step(t / note.attack) * smooth_step((note.length - t) / note.release) *
                              std::exp(-t / note.decay);
      wave[first + i] += note.level * envelope * std::sin(2 * std::numbers::pi * note.frequency * t);
    }
  }

  double peak = 0;
  for (double sample : wave) peak = std::max(peak, std::abs(sample));
  std::vector<std::int16_t> pcm(total, 0);
  if (peak <= 0) return pcm;
  const double scale = limit / peak;
  for (std::size_t i = 0; i < total; ++i) {
    const double value = std::clamp(wave[i] * scale, -static_cast<double>(limit), static_cast<double>(limit));
    pcm[i] = static_cast<std::int16_t>(std::lround(value));
  }
  return pcm;
}

SoundPlayer::SoundPlayer(int volume_percent) : volume_(std::clamp(volume_percent, 0, 100)) {
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0) {
    audio_initialised_ = true;
  } else {
    log_warn("sound", "no audio ({}): cues stay silent", SDL_GetError());
    reported_no_device_ = true;
  }
  thread_ = std::thread([this] { run(); });
}

SoundPlayer::~SoundPlayer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  if (audio_initialised_) SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

void SoundPlayer::set_volume(int volume_percent) {
  std::lock_guard lock(mutex_);
  volume_ = std::clamp(volume_percent, 0, 100);
}

int SoundPlayer::volume() const {
  std::lock_guard lock(mutex_);
  return volume_;
}

void SoundPlayer::play(Cue cue) {
  {
    std::lock_guard lock(mutex_);
    if (requests_.size() >= kMaxWaitingCues) {
      // Only the newest cue would be heard anyway.
      requests_.pop_front();
      ++handled_;
      ++stats_.cues_dropped;
    }
    requests_.push_back(cue);
    ++requested_;
  }
  changed_.notify_all();
}

void SoundPlayer::flush() {
  std::unique_lock lock(mutex_);
  const auto target = requested_;
  changed_.wait(lock, [&] { return handled_ >= target || stopping_; });
}

SoundPlayer::Stats SoundPlayer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void SoundPlayer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    auto ready = [this] { return stopping_ || !requests_.empty(); };
    if (device_ != 0) {
      if (!changed_.wait_for(lock, kKeepDeviceOpen, ready)) {
        lock.unlock();
        close_device();
        lock.lock();
        continue;
      }
    } else {
      changed_.wait(lock, ready);
    }
    if (stopping_) break;
    while (!requests_.empty()) {
      const Cue cue = requests_.front();
      requests_.pop_front();
      const int volume = volume_;
      lock.unlock();
      play_now(cue, volume);
      lock.lock();
      ++handled_;
      changed_.notify_all();
    }
  }
  lock.unlock();
  close_device();
}

void SoundPlayer::play_now(Cue cue, int volume_percent) {
  auto dropped = [this] {
    std::lock_guard lock(mutex_);
    ++stats_.cues_dropped;
  };
  if (volume_percent == 0 || !audio_initialised_) return dropped();

  if (device_ == 0) {
    SDL_AudioSpec want{};
    want.freq = 48000;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    SDL_AudioSpec have{};
    device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, SDL_AUDIO_ALLOW_FREQUENCY_CHANGE);
    if (device_ == 0) {
      if (!reported_no_device_) log_warn("sound", "no audio device ({}): cues stay silent", SDL_GetError());
      reported_no_device_ = true;
      return dropped();
    }
    device_rate_ = have.freq > 0 ? have.freq : want.freq;
    SDL_PauseAudioDevice(device_, 0);
    std::lock_guard lock(mutex_);
    stats_.device_open = true;
  }

  const auto pcm = synthesize_cue(cue, volume_percent, device_rate_);
  SDL_ClearQueuedAudio(device_);  // a new cue replaces one still sounding
  if (SDL_QueueAudio(device_, pcm.data(), static_cast<Uint32>(pcm.size() * sizeof(std::int16_t))) != 0) {
    log_warn("sound", "cannot play a cue: {}", SDL_GetError());
    close_device();
    return dropped();
  }
  std::lock_guard lock(mutex_);
  ++stats_.cues_played;
}

void SoundPlayer::close_device() {
  if (device_ == 0) return;
  SDL_CloseAudioDevice(device_);
  device_ = 0;
  std::lock_guard lock(mutex_);
  stats_.device_open = false;
}

}  // namespace checkin::platform
