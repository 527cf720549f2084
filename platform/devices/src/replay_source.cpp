// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/replay_source.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "checkin/platform/system_clock.hpp"

namespace checkin::platform {

namespace {

bool is_image_file(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".png" || extension == ".jpg" || extension == ".jpeg" || extension == ".pgm" ||
         extension == ".ppm";
}

}  // namespace

Result<std::vector<std::filesystem::path>> list_replay_images(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::directory_iterator entries(folder, error);
  if (error) return fail(Errc::io, fmt::format("cannot read folder {}: {}", folder.string(), error.message()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : entries) {
    if (entry.is_regular_file(error) && is_image_file(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.filename().string() < b.filename().string(); });
  return files;
}

Result<std::shared_ptr<const ReplayImages>> load_replay_images(const std::filesystem::path& file_or_folder) {
  std::error_code error;
  const auto status = std::filesystem::status(file_or_folder, error);
  if (!std::filesystem::exists(status))
    return fail(Errc::not_found, fmt::format("replay: {} does not exist", file_or_folder.string()));

  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(status)) {
    auto listed = list_replay_images(file_or_folder);
    if (!listed) return fail(listed.error().code, "replay: " + listed.error().message);
    files = std::move(*listed);
    if (files.empty())
      return fail(Errc::not_found, fmt::format("replay: no images (.png, .jpg, .jpeg, .pgm, .ppm) in folder {}",
                                               file_or_folder.string()));
  } else {
    files.push_back(file_or_folder);
  }

  auto loaded = std::make_shared<ReplayImages>();
  loaded->origin = file_or_folder.string();
  for (const auto& file : files) {
    auto image = qr::load_image(file);
    if (!image)
      return fail(image.error().code, fmt::format("replay: cannot read image {}: {}", file.string(), image.error().message));
    loaded->images.push_back(std::move(*image));
  }
  return std::shared_ptr<const ReplayImages>(std::move(loaded));
}

ReplaySource::ReplaySource(std::shared_ptr<const ReplayImages> images, ReplayOptions options)
    : images_(std::move(images)), options_(std::move(options)) {
  if (options_.frames_per_second > 0)
    interval_ = Millis{static_cast<Millis::rep>(std::llround(1000.0 / options_.frames_per_second))};
}

Millis ReplaySource::now() const { return options_.now ? options_.now() : monotonic_now(); }

Result<std::optional<Frame>> ReplaySource::next_frame(Millis timeout) {
  std::unique_lock lock(mutex_);
  const bool exhausted = images_->images.empty() || (!options_.loop && next_index_ >= images_->images.size());
  const Millis start = now();
  const Millis due = exhausted ? start + timeout + Millis{1} : next_due_.value_or(start);
  if (due > start) {
    // Sleep until the frame is due or the timeout ends, whichever is first.
    const Millis wait = std::min(due - start, timeout);
    wake_.wait_for(lock, wait, [this] { return interrupted_; });
    if (interrupted_) {
      interrupted_ = false;
      return std::optional<Frame>{};
    }
    if (now() < due) return std::optional<Frame>{};
  }
  if (interrupted_) {
    interrupted_ = false;
    return std::optional<Frame>{};
  }

  const Millis delivered = now();
  // On time, frames stay on the schedule (no drift). Behind it (a slow consumer), this
  // frame went out at once and the next one is due one interval after it, not at once.
  next_due_ = due + interval_;
  if (*next_due_ < delivered) next_due_ = delivered + interval_;

  Frame frame{images_->images[next_index_], delivered, ++frames_delivered_};
  next_index_ = next_index_ + 1;
  if (options_.loop && next_index_ >= images_->images.size()) next_index_ = 0;
  return std::optional<Frame>{std::move(frame)};
}

void ReplaySource::interrupt() {
  {
    std::lock_guard lock(mutex_);
    interrupted_ = true;
  }
  wake_.notify_all();
}

std::string ReplaySource::describe() const {
  const auto count = images_->images.size();
  if (options_.frames_per_second > 0)
    return fmt::format("replay of {} ({} image{}, {:g} fps{})", images_->origin, count, count == 1 ? "" : "s",
                       options_.frames_per_second, options_.loop ? ", looping" : "");
  return fmt::format("replay of {} ({} image{}{})", images_->origin, count, count == 1 ? "" : "s",
                     options_.loop ? ", looping" : "");
}

Result<std::unique_ptr<FrameSource>> open_replay(const std::filesystem::path& file_or_folder, ReplayOptions options) {
  auto images = load_replay_images(file_or_folder);
  if (!images) return std::unexpected(images.error());
  return std::unique_ptr<FrameSource>(std::make_unique<ReplaySource>(std::move(*images), std::move(options)));
}

FrameSourceFactory replay_factory(std::filesystem::path file_or_folder, ReplayOptions options) {
  auto cache = std::make_shared<std::shared_ptr<const ReplayImages>>();
  return [file_or_folder = std::move(file_or_folder), options = std::move(options),
          cache]() -> Result<std::unique_ptr<FrameSource>> {
    if (!*cache) {
      auto images = load_replay_images(file_or_folder);
      if (!images) return std::unexpected(images.error());
      *cache = std::move(*images);
    }
    return std::unique_ptr<FrameSource>(std::make_unique<ReplaySource>(*cache, options));
  };
}

}  // namespace checkin::platform
