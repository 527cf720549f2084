// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The scan worker: a thread that pulls camera frames, decodes them off the UI thread and
// pushes what it reads into a ScanQueue. It also keeps a small copy of the latest frame for
// the live preview and the camera's state. A missing or unplugged camera is retried every
// few seconds until it comes back; nothing the camera or a decoder does stops the thread.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "checkin/platform/frame_source.hpp"
#include "checkin/platform/scan_filters.hpp"
#include "checkin/platform/scan_queue.hpp"
#include "checkin/qr/decode.hpp"

namespace checkin::platform {

enum class CameraStatus { starting, ok, missing };
const char* to_string(CameraStatus status);

struct CameraState {
  CameraStatus status = CameraStatus::starting;
  // ok/starting: the source's describe(); missing: why (for the admin screen and the log).
  std::string detail;
};

struct PreviewFrame {
  qr::GrayImage image;       // empty while the camera is missing
  std::uint64_t serial = 0;  // grows with every new preview picture
  Millis captured_at{0};
};

using FrameDecoder = std::function<std::vector<qr::DecodedCode>(qr::ImageView)>;

// qr::decode with the camera-frame effort: every camera stage on this one frame.
std::vector<qr::DecodedCode> decode_camera_frame(qr::ImageView frame);

struct ScanWorkerOptions {
  Millis retry_interval{2000};      // between attempts to open a missing camera
  Millis frame_wait{1000};          // longest single wait for a frame (stop does not wait for it)
  Millis min_frame_interval{0};     // take at most one frame per interval; 0: as the source delivers
  int preview_max_width = 320;
  Millis preview_interval{100};     // at most ten preview pictures a second
  Millis repeat_gap{3000};          // see RepeatFilter
  MotionGateOptions motion = {};
  FrameDecoder decoder = {};        // empty: a qr::CameraDecoder, one camera stage per frame
};

struct ScanWorkerStats {
  std::uint64_t frames = 0;             // frames received
  std::uint64_t frames_decoded = 0;     // given to the decoder
  std::uint64_t frames_skipped = 0;     // passed over by the motion gate
  std::uint64_t decode_failures = 0;    // decoder threw
  std::uint64_t scans_reported = 0;     // pushed to the queue
  std::uint64_t source_failures = 0;    // failed opens and lost cameras
};

class ScanWorker {
 public:
  // Starts the thread at once. `queue` must outlive the worker.
  ScanWorker(ScanQueue& queue, FrameSourceFactory open_source, ScanWorkerOptions options = {});
  // Stops the thread (interrupting a wait for a frame) and joins it.
  ~ScanWorker();

  ScanWorker(const ScanWorker&) = delete;
  ScanWorker& operator=(const ScanWorker&) = delete;

  // Any thread. A change of state calls queue.notify(), so the UI wakes to show it.
  CameraState camera() const;
  // A copy of the latest preview if its serial is above `seen_serial`, else nullopt.
  std::optional<PreviewFrame> preview_newer_than(std::uint64_t seen_serial) const;
  ScanWorkerStats stats() const;

 private:
  void run();
  void run_once(std::unique_ptr<FrameSource>& source);
  void handle_frame(Frame& frame);
  void set_camera(CameraStatus status, std::string detail);
  void clear_preview();
  // Waits for `duration` or until stop; false if stopping.
  bool pause(Millis duration);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  ScanQueue& queue_;
  FrameSourceFactory open_source_;
  ScanWorkerOptions options_;
  MotionGate motion_gate_;
  RepeatFilter repeat_filter_;
  std::optional<Millis> last_preview_at_;
  std::string last_open_error_;
  std::string source_description_;

  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;

  // The source in use, reachable from the destructor to interrupt a blocked next_frame().
  // Only the worker thread replaces it.
  std::mutex source_mutex_;
  FrameSource* current_source_ = nullptr;

  mutable std::mutex state_mutex_;
  CameraState camera_;
  PreviewFrame preview_;
  ScanWorkerStats stats_;

  std::thread thread_;  // last: started after everything above exists
};

}  // namespace checkin::platform
