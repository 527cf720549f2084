// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/scan_worker.hpp"

#include <exception>

#include "checkin/core/log.hpp"
#include "checkin/platform/system_clock.hpp"

namespace checkin::platform {

const char* to_string(CameraStatus status) {
  switch (status) {
    case CameraStatus::starting: return "starting";
    case CameraStatus::ok: return "ok";
    case CameraStatus::missing: return "missing";
  }
  return "?";
}

std::vector<qr::DecodedCode> decode_camera_frame(qr::ImageView frame) {
  return qr::decode(frame, qr::DecodeOptions{.effort = qr::Effort::camera_frame});
}

ScanWorker::ScanWorker(ScanQueue& queue, FrameSourceFactory open_source, ScanWorkerOptions options)
    : queue_(queue),
      open_source_(std::move(open_source)),
      options_(std::move(options)),
      motion_gate_(options_.motion),
      repeat_filter_(options_.repeat_gap) {
  if (!options_.decoder) {
    // One camera stage per frame: the cycle's position lives as long as the worker.
    options_.decoder = [camera = std::make_shared<qr::CameraDecoder>()](qr::ImageView frame) { return camera->decode(frame); };
  }
  thread_ = std::thread([this] { run(); });
}

ScanWorker::~ScanWorker() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_.store(true, std::memory_order_release);
  }
  stop_signal_.notify_all();
  {
    std::lock_guard lock(source_mutex_);
    if (current_source_) current_source_->interrupt();
  }
  thread_.join();
}

CameraState ScanWorker::camera() const {
  std::lock_guard lock(state_mutex_);
  return camera_;
}

std::optional<PreviewFrame> ScanWorker::preview_newer_than(std::uint64_t seen_serial) const {
  std::lock_guard lock(state_mutex_);
  if (preview_.serial <= seen_serial) return std::nullopt;
  return preview_;
}

ScanWorkerStats ScanWorker::stats() const {
  std::lock_guard lock(state_mutex_);
  return stats_;
}

void ScanWorker::run() {
  std::unique_ptr<FrameSource> source;
  while (!stopping()) {
    try {
      run_once(source);
    } catch (const std::exception& error) {
      // Nothing may leave this thread; treat it as a lost camera and start over.
      log_error("camera", "camera thread error: {}; reopening the camera", error.what());
      {
        std::lock_guard lock(source_mutex_);
        current_source_ = nullptr;
      }
      source.reset();
      pause(options_.retry_interval);
    }
  }
  {
    std::lock_guard lock(source_mutex_);
    current_source_ = nullptr;
  }
}

void ScanWorker::run_once(std::unique_ptr<FrameSource>& source) {
  if (!source) {
    Result<std::unique_ptr<FrameSource>> opened = fail(Errc::not_found, "no camera configured");
    if (open_source_) {
      try {
        opened = open_source_();
      } catch (const std::exception& error) {
        opened = fail(Errc::io, std::string("opening the camera failed: ") + error.what());
      }
    }
    if (opened && !*opened) opened = fail(Errc::io, "opening the camera gave no camera");
    if (!opened) {
      const std::string& why = opened.error().message;
      if (why != last_open_error_) {
        log_warn("camera", "camera missing: {} (trying again every {} ms)", why, options_.retry_interval.count());
        last_open_error_ = why;
      }
      {
        std::lock_guard lock(state_mutex_);
        ++stats_.source_failures;
      }
      clear_preview();  // before the state changes, so whoever it wakes sees both
      set_camera(CameraStatus::missing, why);
      pause(options_.retry_interval);
      return;
    }
    source = std::move(*opened);
    {
      std::lock_guard lock(source_mutex_);
      current_source_ = source.get();
    }
    // The destructor sets stopping_ before it looks for a source to interrupt: if it looked
    // before we stored this one, we see stopping_ here.
    if (stopping()) return;
    source_description_ = source->describe();
    if (!last_open_error_.empty()) log_info("camera", "camera back: {}", source_description_);
    last_open_error_.clear();
    motion_gate_ = MotionGate(options_.motion);
    set_camera(CameraStatus::starting, source_description_);
  }

  const Millis started = monotonic_now();
  auto next = source->next_frame(options_.frame_wait);
  if (!next) {
    const std::string why = next.error().message;
    log_warn("camera", "camera lost: {}", why);
    last_open_error_ = why;
    {
      std::lock_guard lock(source_mutex_);
      current_source_ = nullptr;
    }
    source.reset();
    {
      std::lock_guard lock(state_mutex_);
      ++stats_.source_failures;
    }
    clear_preview();
    set_camera(CameraStatus::missing, why);
    pause(options_.retry_interval);
    return;
  }
  if (!*next) return;
  handle_frame(**next);
  if (options_.min_frame_interval > Millis{0}) pause(options_.min_frame_interval - (monotonic_now() - started));
}

void ScanWorker::handle_frame(Frame& frame) {
  const Millis at = frame.captured_at;
  {
    std::lock_guard lock(state_mutex_);
    ++stats_.frames;
  }
  set_camera(CameraStatus::ok, source_description_);

  if (!last_preview_at_ || at - *last_preview_at_ >= options_.preview_interval) {
    auto small = downscale_for_preview(frame.image.view(), options_.preview_max_width);
    std::lock_guard lock(state_mutex_);
    preview_ = PreviewFrame{std::move(small), preview_.serial + 1, at};
    last_preview_at_ = at;
  }

  const qr::ImageView view = frame.image.view();
  if (!motion_gate_.should_decode(view, at)) {
    std::lock_guard lock(state_mutex_);
    ++stats_.frames_skipped;
    return;
  }

  std::vector<qr::DecodedCode> codes;
  try {
    codes = options_.decoder(view);
  } catch (const std::exception& error) {
    log_error("scan", "decoding frame {} failed: {}; going on with the next frame", frame.number, error.what());
    std::lock_guard lock(state_mutex_);
    ++stats_.frames_decoded;
    ++stats_.decode_failures;
    return;
  } catch (...) {
    log_error("scan", "decoding frame {} failed (unknown exception); going on with the next frame", frame.number);
    std::lock_guard lock(state_mutex_);
    ++stats_.frames_decoded;
    ++stats_.decode_failures;
    return;
  }

  std::vector<std::string> texts;
  for (auto& code : codes)
    if (!code.text.empty()) texts.push_back(std::move(code.text));
  std::vector<ScanEvent> fresh;
  for (auto& text : repeat_filter_.new_in_sight(std::move(texts), at)) {
    // The text is a pass: log its size, never its content.
    log_debug("scan", "frame {}: a new code of {} bytes", frame.number, text.size());
    fresh.push_back(ScanEvent{std::move(text), ScanSource::camera, at, frame.number});
  }
  {
    // Counted before the scans are pushed, so whoever a scan wakes sees them counted.
    std::lock_guard lock(state_mutex_);
    ++stats_.frames_decoded;
    stats_.scans_reported += fresh.size();
  }
  for (auto& event : fresh) queue_.push(std::move(event));
}

void ScanWorker::set_camera(CameraStatus status, std::string detail) {
  {
    std::lock_guard lock(state_mutex_);
    if (camera_.status == status && camera_.detail == detail) return;
    camera_ = CameraState{status, std::move(detail)};
  }
  queue_.notify();
}

void ScanWorker::clear_preview() {
  last_preview_at_.reset();
  std::lock_guard lock(state_mutex_);
  if (preview_.image.empty()) return;
  preview_ = PreviewFrame{qr::GrayImage{}, preview_.serial + 1, Millis{0}};
}

bool ScanWorker::pause(Millis duration) {
  std::unique_lock lock(stop_mutex_);
  if (duration > Millis{0}) stop_signal_.wait_for(lock, duration, [this] { return stopping(); });
  return !stopping();
}

}  // namespace checkin::platform
