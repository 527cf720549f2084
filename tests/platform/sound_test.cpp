// SPDX-License-Identifier: AGPL-3.0-or-later
#include <stdlib.h>

#include "checkin_catch.hpp"
#include <cmath>
#include <cstdlib>

#include "checkin/platform/sound.hpp"

using namespace checkin;
using namespace checkin::platform;

namespace {

constexpr int kRate = 48000;

int peak_of(const std::vector<std::int16_t>& pcm) {
  int peak = 0;
  for (auto sample : pcm) peak = std::max(peak, std::abs(static_cast<int>(sample)));
  return peak;
}

// Frequency from the zero crossings between two times.
double frequency_between(const std::vector<std::int16_t>& pcm, double from_s, double to_s) {
  const auto first = static_cast<std::size_t>(from_s * kRate);
  const auto last = static_cast<std::size_t>(to_s * kRate);
  int crossings = 0;
  for (std::size_t i = first + 1; i < last && i < pcm.size(); ++i)
    if ((pcm[i - 1] < 0) != (pcm[i] < 0)) ++crossings;
  return crossings / (2.0 * (to_s - from_s));
}

}  // namespace

TEST_CASE("cues are short") {
  for (Cue cue : {Cue::success, Cue::see_volunteer}) {
    INFO(to_string(cue));
    const auto pcm = synthesize_cue(cue, 50, kRate);
    const double seconds = static_cast<double>(pcm.size()) / kRate;
    CHECK(seconds > 0.3);
    CHECK(seconds < 0.6);
    const auto at_44k = synthesize_cue(cue, 50, 44100);
    CHECK(std::abs(static_cast<double>(at_44k.size()) / 44100 - seconds) < 0.001);
  }
}

TEST_CASE("cue loudness stays under the volume, and volume 0 is silence") {
  for (Cue cue : {Cue::success, Cue::see_volunteer}) {
    int previous_peak = 0;
    for (int volume : {1, 5, 10, 25, 50, 75, 100}) {
      INFO(to_string(cue) << " at volume " << volume);
      const auto pcm = synthesize_cue(cue, volume, kRate);
      const int peak = peak_of(pcm);
      const int limit = cue_peak_limit(volume);
      CHECK(peak <= limit);
      CHECK(peak >= limit * 95 / 100);
      CHECK(limit <= 32767 * volume / 100);  // never above the volume's share of full scale
      CHECK(peak > previous_peak);           // louder with each step
      previous_peak = peak;
    }
    CHECK(cue_peak_limit(100) <= 16384);  // quiet even at full volume
    CHECK(synthesize_cue(cue, 0, kRate).empty());
    CHECK(synthesize_cue(cue, -20, kRate).empty());
    CHECK(peak_of(synthesize_cue(cue, 250, kRate)) == peak_of(synthesize_cue(cue, 100, kRate)));
  }
}

TEST_CASE("cues start and end in silence, without clicks") {
  for (Cue cue : {Cue::success, Cue::see_volunteer}) {
    INFO(to_string(cue));
    const auto pcm = synthesize_cue(cue, 100, kRate);
    const int limit = cue_peak_limit(100);
    REQUIRE(pcm.size() > 1000);
    for (std::size_t i = 0; i < 200; ++i) CHECK(pcm[i] == 0);                   // ~4 ms lead-in
    for (std::size_t i = pcm.size() - 400; i < pcm.size(); ++i) CHECK(pcm[i] == 0);  // ~8 ms tail
    int largest_step = 0;
    for (std::size_t i = 1; i < pcm.size(); ++i)
      largest_step = std::max(largest_step, std::abs(pcm[i] - pcm[i - 1]));
    CHECK(largest_step < limit / 5);  // a smooth sine at these pitches; a click would jump
  }
}

TEST_CASE("success rises over two notes, see-a-volunteer is one lower tone") {
  const auto success = synthesize_cue(Cue::success, 60, kRate);
  const auto volunteer = synthesize_cue(Cue::see_volunteer, 60, kRate);
  CHECK(success != volunteer);

  const double first_note = frequency_between(success, 0.02, 0.11);
  const double second_note = frequency_between(success, 0.20, 0.40);
  CHECK(first_note == Catch::Approx(659.25).epsilon(0.03));
  CHECK(second_note == Catch::Approx(880.0).epsilon(0.03));

  const double early = frequency_between(volunteer, 0.05, 0.15);
  const double late = frequency_between(volunteer, 0.25, 0.35);
  CHECK(early == Catch::Approx(392.0).epsilon(0.03));
  CHECK(late == Catch::Approx(392.0).epsilon(0.03));
  CHECK(early < first_note);
}

TEST_CASE("with no audio driver, cues are dropped and nothing else happens") {
  ::setenv("SDL_AUDIODRIVER", "no-such-audio-driver", 1);
  SoundPlayer player(50);
  player.play(Cue::success);
  player.play(Cue::see_volunteer);
  player.flush();
  const auto stats = player.stats();
  CHECK(stats.cues_played == 0);
  CHECK(stats.cues_dropped == 2);
  CHECK_FALSE(stats.device_open);
}

TEST_CASE("at volume 0 no device is opened") {
  ::setenv("SDL_AUDIODRIVER", "dummy", 1);
  SoundPlayer player(0);
  player.play(Cue::success);
  player.flush();
  CHECK(player.stats().cues_played == 0);
  CHECK(player.stats().cues_dropped == 1);
  CHECK_FALSE(player.stats().device_open);
  CHECK(player.volume() == 0);
}

TEST_CASE("cues play through SDL's dummy audio device") {
  ::setenv("SDL_AUDIODRIVER", "dummy", 1);
  SoundPlayer player(30);
  player.play(Cue::success);
  player.set_volume(200);
  CHECK(player.volume() == 100);
  player.play(Cue::see_volunteer);
  player.flush();
  const auto stats = player.stats();
  CHECK(stats.cues_played == 2);
  CHECK(stats.cues_dropped == 0);
  CHECK(stats.device_open);
}
