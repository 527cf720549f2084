// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/v4l2_camera.hpp"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "checkin/core/log.hpp"
#include "checkin/platform/system_clock.hpp"

namespace checkin::platform {

namespace {

int xioctl(int fd, unsigned long request, void* arg) {
  int result;
  do result = ::ioctl(fd, request, arg);
  while (result == -1 && errno == EINTR);
  return result;
}

std::string error_text(int error) { return std::strerror(error); }

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~FileDescriptor() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

Result<FileDescriptor> open_device(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) return FileDescriptor(fd);
  const int error = errno;
  switch (error) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      return fail(Errc::not_found, fmt::format("camera {} not found", path));
    case EACCES:
    case EPERM:
      return fail(Errc::io, fmt::format("no permission to open camera {} (is the kiosk user in the 'video' group?)", path));
    case EBUSY:
      return fail(Errc::io, fmt::format("camera {} is busy (another program is using it)", path));
    default:
      return fail(Errc::io, fmt::format("cannot open camera {}: {}", path, error_text(error)));
  }
}

std::string c_string(const __u8* text, std::size_t size) {
  const auto* chars = reinterpret_cast<const char*>(text);
  return std::string(chars, strnlen(chars, size));
}

Result<CameraInfo> query_device(int fd, const std::string& path) {
  v4l2_capability capability{};
  if (xioctl(fd, VIDIOC_QUERYCAP, &capability) < 0) {
    const int error = errno;
    if (error == ENOTTY || error == EINVAL) return fail(Errc::invalid_input, fmt::format("{} is not a V4L2 camera", path));
    if (error == ENODEV) return fail(Errc::not_found, fmt::format("camera {} not found", path));
    return fail(Errc::io, fmt::format("cannot query camera {}: {}", path, error_text(error)));
  }
  const __u32 caps = (capability.capabilities & V4L2_CAP_DEVICE_CAPS) ? capability.device_caps : capability.capabilities;
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE))
    return fail(Errc::invalid_input, fmt::format("{} is not a video capture device", path));
  if (!(caps & V4L2_CAP_STREAMING))
    return fail(Errc::invalid_input, fmt::format("{} cannot stream frames (no mmap I/O)", path));

  CameraInfo info;
  info.path = path;
  info.card = c_string(capability.card, sizeof capability.card);
  info.driver = c_string(capability.driver, sizeof capability.driver);
  info.fed_frames = (capability.capabilities & (V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_OUTPUT_MPLANE |
                                                V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)) != 0;

  for (__u32 index = 0; index < 64; ++index) {
    v4l2_fmtdesc description{};
    description.index = index;
    description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(fd, VIDIOC_ENUM_FMT, &description) < 0) break;
    CameraFormat format;
    format.code = description.pixelformat;
    for (__u32 size_index = 0; size_index < 256; ++size_index) {
      v4l2_frmsizeenum size{};
      size.index = size_index;
      size.pixel_format = description.pixelformat;
      if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &size) < 0) break;
      if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
        format.sizes.push_back({static_cast<int>(size.discrete.width), static_cast<int>(size.discrete.height)});
      } else {
        const auto& s = size.stepwise;
        format.range = FrameSizeRange{{static_cast<int>(s.min_width), static_cast<int>(s.min_height)},
                                      {static_cast<int>(s.max_width), static_cast<int>(s.max_height)},
                                      static_cast<int>(std::max<__u32>(s.step_width, 1)),
                                      static_cast<int>(std::max<__u32>(s.step_height, 1))};
        break;
      }
    }
    info.formats.push_back(std::move(format));
  }
  return info;
}

class V4l2Camera final : public FrameSource {
 public:
  V4l2Camera(FileDescriptor device, FileDescriptor wake, std::string path, std::string description)
      : device_(std::move(device)), wake_(std::move(wake)), path_(std::move(path)), description_(std::move(description)) {}

  V4l2Camera(const V4l2Camera&) = delete;
  V4l2Camera& operator=(const V4l2Camera&) = delete;

  ~V4l2Camera() override {
    if (streaming_) {
      v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      xioctl(device_.get(), VIDIOC_STREAMOFF, &type);  // fails harmlessly on an unplugged camera
    }
    for (const auto& buffer : buffers_) ::munmap(buffer.start, buffer.length);
  }

  Result<void> start(const FrameLayout& layout, int buffer_count, int frames_per_second) {
    layout_ = layout;
    set_frame_rate(frames_per_second);

    v4l2_requestbuffers request{};
    request.count = static_cast<__u32>(std::clamp(buffer_count, 2, 16));
    request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    request.memory = V4L2_MEMORY_MMAP;
    if (xioctl(device_.get(), VIDIOC_REQBUFS, &request) < 0) return device_error("cannot allocate frame buffers");
    if (request.count < 2) return fail(Errc::io, fmt::format("camera {}: not enough buffer memory", path_));

    for (__u32 index = 0; index < request.count; ++index) {
      v4l2_buffer buffer{};
      buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      buffer.memory = V4L2_MEMORY_MMAP;
      buffer.index = index;
      if (xioctl(device_.get(), VIDIOC_QUERYBUF, &buffer) < 0) return device_error("cannot query a frame buffer");
      void* start = ::mmap(nullptr, buffer.length, PROT_READ | PROT_WRITE, MAP_SHARED, device_.get(), buffer.m.offset);
      if (start == MAP_FAILED) return device_error("cannot map a frame buffer");
      buffers_.push_back({start, buffer.length});
      if (xioctl(device_.get(), VIDIOC_QBUF, &buffer) < 0) return device_error("cannot queue a frame buffer");
    }
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(device_.get(), VIDIOC_STREAMON, &type) < 0) return device_error("cannot start streaming");
    streaming_ = true;
    return {};
  }

  Result<std::optional<Frame>> next_frame(Millis timeout) override {
    const Millis deadline = monotonic_now() + timeout;
    for (;;) {
      pollfd fds[2] = {{device_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
      const auto left = std::max<Millis::rep>((deadline - monotonic_now()).count(), 0);
      const int ready = ::poll(fds, 2, static_cast<int>(std::min<Millis::rep>(left, 60'000)));
      if (ready < 0) {
        if (errno == EINTR) continue;
        return device_error("waiting for a frame failed");
      }
      if (fds[1].revents & POLLIN) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto ignored = ::read(wake_.get(), &count, sizeof count);
        return std::optional<Frame>{};
      }
      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
        return fail(Errc::io, fmt::format("camera {} stopped delivering frames (disconnected?)", path_));
      if (fds[0].revents & POLLIN) return take_latest_frame();
      if (ready == 0 || left == 0) return std::optional<Frame>{};
    }
  }

  void interrupt() override {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = ::write(wake_.get(), &one, sizeof one);
  }

  std::string describe() const override { return description_; }

 private:
  struct MappedBuffer {
    void* start;
    std::size_t length;
  };

  std::unexpected<Error> device_error(std::string_view what) const {
    const int error = errno;
    if (error == ENODEV || error == EIO || error == ENXIO)
      return fail(Errc::io, fmt::format("camera {}: {}: disconnected ({})", path_, what, error_text(error)));
    if (error == EBUSY)
      return fail(Errc::io, fmt::format("camera {} is busy (another program is using it)", path_));
    return fail(Errc::io, fmt::format("camera {}: {}: {}", path_, what, error_text(error)));
  }

  void set_frame_rate(int frames_per_second) {
    if (frames_per_second <= 0) return;
    v4l2_streamparm parameters{};
    parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(device_.get(), VIDIOC_G_PARM, &parameters) < 0) return;
    if (!(parameters.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) return;
    parameters.parm.capture.timeperframe = {1, static_cast<__u32>(frames_per_second)};
    if (xioctl(device_.get(), VIDIOC_S_PARM, &parameters) < 0)
      log_debug("camera", "{}: the camera keeps its own frame rate", path_);
  }

  Result<void> requeue(v4l2_buffer& buffer) {
    if (xioctl(device_.get(), VIDIOC_QBUF, &buffer) < 0) return device_error("cannot requeue a frame buffer");
    return {};
  }

  // Frames pile up while we decode: keep only the newest, so what we decode is what the
  // camera sees now, not what it saw a few frames ago.
  Result<std::optional<Frame>> take_latest_frame() {
    v4l2_buffer latest{};
    bool have_frame = false;
    for (;;) {
      v4l2_buffer buffer{};
      buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      buffer.memory = V4L2_MEMORY_MMAP;
      if (xioctl(device_.get(), VIDIOC_DQBUF, &buffer) < 0) {
        if (errno == EAGAIN) break;
        auto error = device_error("reading a frame failed");
        if (have_frame) (void)requeue(latest);
        return error;
      }
      if (buffer.index >= buffers_.size()) return fail(Errc::io, fmt::format("camera {}: bad buffer index", path_));
      if (have_frame) {
        if (auto ok = requeue(latest); !ok) return std::unexpected(ok.error());
      }
      latest = buffer;
      have_frame = true;
    }
    if (!have_frame) return std::optional<Frame>{};

    const Millis arrived = monotonic_now();
    const auto& mapped = buffers_[latest.index];
    std::size_t used = latest.bytesused != 0 ? latest.bytesused : mapped.length;
    used = std::min(used, mapped.length);
    Result<qr::GrayImage> image = fail(Errc::io, "frame marked bad by the driver");
    if (!(latest.flags & V4L2_BUF_FLAG_ERROR))
      image = extract_luma({static_cast<const std::uint8_t*>(mapped.start), used}, layout_);
    if (auto ok = requeue(latest); !ok) return std::unexpected(ok.error());

    if (!image) {
      // A damaged frame now and then is normal (USB hiccups); skip it.
      if (bad_frames_++ % 100 == 0)
        log_warn("camera", "{}: skipped a bad frame ({} so far): {}", path_, bad_frames_, image.error().message);
      return std::optional<Frame>{};
    }
    return std::optional<Frame>{Frame{std::move(*image), arrived, ++frame_count_}};
  }

  FileDescriptor device_;
  FileDescriptor wake_;
  std::string path_;
  std::string description_;
  FrameLayout layout_;
  std::vector<MappedBuffer> buffers_;
  bool streaming_ = false;
  std::uint64_t frame_count_ = 0;
  std::uint64_t bad_frames_ = 0;
};

Result<std::unique_ptr<FrameSource>> open_device_path(const std::string& path, const V4l2Options& options) {
  auto device = open_device(path);
  if (!device) return std::unexpected(device.error());
  auto info = query_device(device->get(), path);
  if (!info) return std::unexpected(info.error());

  const auto choice = choose_format(info->formats, options.format);
  if (!choice)
    return fail(Errc::invalid_input,
                explain_no_usable_format(fmt::format("camera {} ({})", path, info->card), info->formats, options.format));

  v4l2_format format{};
  format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  format.fmt.pix.width = static_cast<__u32>(choice->size.width);
  format.fmt.pix.height = static_cast<__u32>(choice->size.height);
  format.fmt.pix.pixelformat = choice->code;
  format.fmt.pix.field = V4L2_FIELD_NONE;
  if (xioctl(device->get(), VIDIOC_S_FMT, &format) < 0) {
    const int error = errno;
    if (error == EBUSY) return fail(Errc::io, fmt::format("camera {} is busy (another program is using it)", path));
    return fail(Errc::io, fmt::format("camera {}: cannot set format {} {}x{}: {}", path, fourcc_name(choice->code),
                                      choice->size.width, choice->size.height, error_text(error)));
  }
  const FrameLayout layout{format.fmt.pix.pixelformat, static_cast<int>(format.fmt.pix.width),
                           static_cast<int>(format.fmt.pix.height), static_cast<int>(format.fmt.pix.bytesperline)};
  if (!pixel_format_rank(layout.code))
    return fail(Errc::invalid_input, fmt::format("camera {} switched to format {}, which we cannot read", path,
                                                 fourcc_name(layout.code)));

  const int wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake < 0) return fail(Errc::io, fmt::format("eventfd: {}", error_text(errno)));
  std::string description =
      fmt::format("V4L2 {} ({}) {} {}x{}", path, info->card, fourcc_name(layout.code), layout.width, layout.height);
  auto camera = std::make_unique<V4l2Camera>(std::move(*device), FileDescriptor(wake), path, description);
  if (auto started = camera->start(layout, options.buffer_count, options.frames_per_second); !started)
    return std::unexpected(started.error());
  log_info("camera", "streaming from {}", description);
  return std::unique_ptr<FrameSource>(std::move(camera));
}

std::optional<int> video_node_number(const std::string& name) {
  if (!name.starts_with("video") || name.size() == 5) return std::nullopt;
  int number = 0;
  const auto* first = name.data() + 5;
  const auto* last = name.data() + name.size();
  auto [end, error] = std::from_chars(first, last, number);
  if (error != std::errc{} || end != last) return std::nullopt;
  return number;
}

}  // namespace

std::vector<std::string> find_capture_devices() {
  std::vector<std::pair<int, std::string>> nodes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", error)) {
    const auto number = video_node_number(entry.path().filename().string());
    if (number) nodes.emplace_back(*number, entry.path().string());
  }
  std::sort(nodes.begin(), nodes.end());

  std::vector<std::string> devices;
  for (const auto& [number, path] : nodes) {
    auto device = open_device(path);
    // A node we may not open is still listed, so opening it explains the permission problem.
    if (!device) {
      if (device.error().code != Errc::not_found) devices.push_back(path);
      continue;
    }
    auto info = query_device(device->get(), path);
    if (info && !info->fed_frames) devices.push_back(path);
  }
  return devices;
}

Result<CameraInfo> probe_camera(const std::string& path) {
  auto device = open_device(path);
  if (!device) return std::unexpected(device.error());
  return query_device(device->get(), path);
}

Result<std::unique_ptr<FrameSource>> open_v4l2_camera(const V4l2Options& options) {
  if (!options.device.empty()) return open_device_path(options.device, options);
  const auto devices = find_capture_devices();
  if (devices.empty()) return fail(Errc::not_found, "no camera found (no V4L2 capture device under /dev)");
  std::optional<Error> first_error;
  for (const auto& path : devices) {
    auto camera = open_device_path(path, options);
    if (camera) return camera;
    if (!first_error) first_error = camera.error();
  }
  return std::unexpected(*first_error);
}

FrameSourceFactory v4l2_camera_factory(V4l2Options options) {
  return [options = std::move(options)] { return open_v4l2_camera(options); };
}

}  // namespace checkin::platform
