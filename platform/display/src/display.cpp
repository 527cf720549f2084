// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/display.hpp"

#include "checkin/core/log.hpp"

#include <SDL.h>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include "imgui_internal.h"
#include "imgui_sdl_backends.hpp"
#include "png_writer.hpp"

namespace checkin::platform {

namespace {

// Latin-1, Latin Extended-A (names like Łucja, Ştefan), general punctuation (— · … “ ” •),
// the euro sign and arrows. Kept small: every glyph is rasterised at every text size.
const ImWchar kGlyphRanges[] = {
    0x0020, 0x00FF,  // Basic Latin + Latin-1 Supplement (á é í ó ú ñ ü ¿ ¡ ·)
    0x0100, 0x017F,  // Latin Extended-A
    0x2010, 0x2027,  // dashes, quotes, bullet, ellipsis
    0x2030, 0x203A,  // per mille, primes, angle quotes
    0x20AC, 0x20AC,  // euro
    0x2190, 0x2193,  // arrows
    0x2212, 0x2212,  // minus sign
    0,
};

void log_recovery(void*, const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  log_warn("display", "recovering a failed frame: {}", buffer);
}

}  // namespace

FontSizes font_sizes_for(int width, int height) {
  const bool portrait = height > width;
  const float ref_w = portrait ? 720.f : 1280.f;
  const float ref_h = portrait ? 1280.f : 720.f;
  const float scale = std::min(static_cast<float>(width) / ref_w, static_cast<float>(height) / ref_h);
  FontSizes sizes;
  // 28 px at the reference size; small screens (800x480 is usually 5-7") keep 24 px,
  // which is physically larger there than 28 px on a 10" 1280x720 panel.
  sizes.body = std::clamp(std::round(28.f * scale), 24.f, 72.f);
  sizes.small = std::max(20.f, std::round(sizes.body * 0.8f));
  sizes.large = std::round(sizes.body * 1.35f);
  sizes.huge = std::round(sizes.body * 1.85f);
  return sizes;
}

qr::GrayImage RgbaImage::to_gray() const {
  qr::GrayImage gray(width, height);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* src = pixels.data() + static_cast<std::size_t>(y) * width * 4;
    std::uint8_t* dst = gray.row(y);
    for (int x = 0; x < width; ++x) {
      const int r = src[4 * x], g = src[4 * x + 1], b = src[4 * x + 2];
      dst[x] = static_cast<std::uint8_t>((299 * r + 587 * g + 114 * b + 500) / 1000);
    }
  }
  return gray;
}

struct Display::Impl {
  DisplayOptions options;
  SDL_Window* window = nullptr;
  SDL_Renderer* renderer = nullptr;
  ImGuiContext* imgui = nullptr;
  bool sdl_video_started = false;
  bool platform_backend = false;
  bool renderer_backend = false;
  bool in_frame = false;
  bool rendered = false;  // render() ran, present() not yet
  int max_texture = 0;     // 0: unlimited

  FontSet fonts;
  float font_scale = 0;  // framebuffer scale the fonts were built for
  int font_builds = 0;

  // Synthetic touches, one per frame: where the finger is and whether it is down.
  struct Touch {
    ImVec2 at;
    bool down = false;
  };
  std::deque<Touch> touches;

  SDL_Texture* preview = nullptr;
  int preview_w = 0, preview_h = 0;
  std::uint64_t preview_serial = 0;
  bool preview_valid = false;
  std::vector<std::uint8_t> preview_rgba;

  int width = 0, height = 0, pixel_width = 0, pixel_height = 0;

  ~Impl() {
    if (preview) SDL_DestroyTexture(preview);
    if (renderer_backend) imgui_backends::shutdown_renderer();
    if (platform_backend) ImGui_ImplSDL2_Shutdown();
    if (imgui) ImGui::DestroyContext(imgui);
    if (renderer) SDL_DestroyRenderer(renderer);
    if (window) SDL_DestroyWindow(window);
    if (sdl_video_started) SDL_QuitSubSystem(SDL_INIT_VIDEO);
  }

  void update_sizes() {
    SDL_GetWindowSize(window, &width, &height);
    if (SDL_GetRendererOutputSize(renderer, &pixel_width, &pixel_height) != 0) {
      pixel_width = width;
      pixel_height = height;
    }
  }

  Result<void> build_fonts(const FontSizes& sizes, float framebuffer_scale) {
    ImGuiIO& io = ImGui::GetIO();
    const auto regular = (options.font_dir / "DejaVuSans.ttf").string();
    const auto bold = (options.font_dir / "DejaVuSans-Bold.ttf").string();
    for (const auto& file : {regular, bold}) {
      if (!std::filesystem::exists(file))
        return fail(Errc::not_found, fmt::format("font {} not found (install fonts-dejavu-core)", file));
    }
    for (int oversample : {2, 1}) {
      io.Fonts->Clear();
      io.Fonts->TexDesiredWidth = 2048;
      auto add = [&](const std::string& file, float px) {
        ImFontConfig config;
        config.OversampleH = px * framebuffer_scale > 40 ? 1 : oversample;
        config.OversampleV = 1;
        config.PixelSnapH = true;
        return io.Fonts->AddFontFromFileTTF(file.c_str(), px * framebuffer_scale, &config, kGlyphRanges);
      };
      FontSet set;
      set.sizes = sizes;
      set.body = add(regular, sizes.body);  // the first font is ImGui's default
      set.small = add(regular, sizes.small);
      set.button = add(bold, sizes.body);
      set.large = add(bold, sizes.large);
      set.huge = add(bold, sizes.huge);
      set.lead = add(regular, sizes.large);
      if (!set.body || !set.small || !set.button || !set.large || !set.huge || !set.lead)
        return fail(Errc::io, fmt::format("could not load the fonts from {}", options.font_dir.string()));
      if (!io.Fonts->Build()) return fail(Errc::io, "could not build the font atlas");
      if (max_texture > 0 && (io.Fonts->TexWidth > max_texture || io.Fonts->TexHeight > max_texture) &&
          oversample > 1)
        continue;  // too big for this GPU: try again without oversampling
      fonts = set;
      break;
    }
    io.FontGlobalScale = 1.f / framebuffer_scale;
    font_scale = framebuffer_scale;
    ++font_builds;
    if (renderer_backend) {
      imgui_backends::destroy_fonts_texture();
      if (!imgui_backends::create_fonts_texture()) return fail(Errc::io, "could not upload the font atlas");
    }
    return {};
  }

  // Rebuilds the fonts when the window size changed their sizes noticeably (a resize or a
  // rotation), not on every pixel of a window being dragged larger.
  void refresh_fonts() {
    const FontSizes wanted = font_sizes_for(width, height);
    const float fb_scale = width > 0 ? static_cast<float>(pixel_width) / static_cast<float>(width) : 1.f;
    const bool scale_changed = std::abs(fb_scale - font_scale) > 0.01f;
    const bool size_changed = std::abs(wanted.body - fonts.sizes.body) >= std::max(2.f, fonts.sizes.body * 0.06f);
    if (!scale_changed && !size_changed) return;
    if (auto built = build_fonts(wanted, fb_scale); !built)
      log_warn("display", "{}; keeping the previous fonts", built.error().message);
  }
};

Display::Display(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Display::~Display() = default;

Result<std::unique_ptr<Display>> Display::open(const DisplayOptions& options) {
  if (ImGui::GetCurrentContext() != nullptr)
    return fail(Errc::invalid_input, "a Display is already open in this process");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const bool headless = options.mode == DisplayMode::headless;
  if (options.mode != DisplayMode::fullscreen && (options.width < 64 || options.height < 64))
    return fail(Errc::invalid_input, fmt::format("window size {}x{} is too small", options.width, options.height));

  if (headless) {
    // Honour SDL_VIDEODRIVER=offscreen if the caller chose it; dummy otherwise.
    const char* chosen = std::getenv("SDL_VIDEODRIVER");
    if (!chosen || (std::string(chosen) != "dummy" && std::string(chosen) != "offscreen"))
      SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
  }
  SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
  SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");  // the camera preview is scaled
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
    return fail(Errc::io, fmt::format("SDL video could not start: {}", SDL_GetError()));
  impl->sdl_video_started = true;

  Uint32 window_flags = SDL_WINDOW_ALLOW_HIGHDPI;
  int w = options.width, h = options.height;
  switch (options.mode) {
    case DisplayMode::fullscreen: {
      window_flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
      SDL_DisplayMode desktop;
      if (SDL_GetDesktopDisplayMode(0, &desktop) == 0) {
        w = desktop.w;
        h = desktop.h;
      }
      break;
    }
    case DisplayMode::windowed: window_flags |= SDL_WINDOW_RESIZABLE; break;
    case DisplayMode::headless: break;  // dummy and offscreen show nothing anyway
  }
  impl->window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                  window_flags);
  if (!impl->window) return fail(Errc::io, fmt::format("could not open a window: {}", SDL_GetError()));

  const bool software = headless || options.software_renderer;
  Uint32 renderer_flags = software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED;
  if (!software && options.vsync) renderer_flags |= SDL_RENDERER_PRESENTVSYNC;
  impl->renderer = SDL_CreateRenderer(impl->window, -1, renderer_flags);
  if (!impl->renderer && !software) {
    log_warn("display", "no accelerated renderer ({}); using the software renderer", SDL_GetError());
    impl->renderer = SDL_CreateRenderer(impl->window, -1, SDL_RENDERER_SOFTWARE);
  }
  if (!impl->renderer) return fail(Errc::io, fmt::format("could not create a renderer: {}", SDL_GetError()));
  SDL_RendererInfo info;
  if (SDL_GetRendererInfo(impl->renderer, &info) == 0) {
    impl->max_texture = std::min(info.max_texture_width, info.max_texture_height);
    log_info("display", "{} renderer, {}", info.name,
             headless ? "headless" : options.mode == DisplayMode::fullscreen ? "fullscreen" : "windowed");
  }

  const bool hide_cursor = options.cursor == DisplayOptions::Cursor::hidden ||
                           (options.cursor == DisplayOptions::Cursor::automatic && options.mode == DisplayMode::fullscreen);
  if (hide_cursor) SDL_ShowCursor(SDL_DISABLE);

  IMGUI_CHECKVERSION();
  impl->imgui = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing about the screens is remembered on disk
  io.LogFilename = nullptr;
  if (hide_cursor) io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  ImGui::StyleColorsLight();
  if (!imgui_backends::init_platform(impl->window, impl->renderer))
    return fail(Errc::io, "could not start the ImGui SDL2 backend");
  impl->platform_backend = true;
  if (!imgui_backends::init_renderer(impl->renderer))
    return fail(Errc::io, "could not start the ImGui SDL_Renderer backend");
  impl->renderer_backend = true;

  impl->update_sizes();
  const float fb_scale = impl->width > 0 ? static_cast<float>(impl->pixel_width) / static_cast<float>(impl->width) : 1.f;
  if (auto built = impl->build_fonts(font_sizes_for(impl->width, impl->height), fb_scale); !built)
    return std::unexpected(built.error());
  return std::unique_ptr<Display>(new Display(std::move(impl)));
}

bool Display::process_event(const SDL_Event& event) {
  if (event.type == SDL_WINDOWEVENT && (event.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                                        event.window.event == SDL_WINDOWEVENT_RESIZED)) {
    impl_->update_sizes();
    return true;
  }
  const bool used = ImGui_ImplSDL2_ProcessEvent(&event);
  const ImGuiIO& io = ImGui::GetIO();
  switch (event.type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
    case SDL_MOUSEMOTION:
    case SDL_MOUSEWHEEL:
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION: return true;  // the whole screen is UI
    case SDL_KEYDOWN:
    case SDL_KEYUP:
    case SDL_TEXTINPUT: return used && io.WantCaptureKeyboard;
    default: return false;
  }
}

void Display::begin_frame() {
  if (impl_->in_frame) discard_frame();
  impl_->rendered = false;
  impl_->update_sizes();
  impl_->refresh_fonts();
  imgui_backends::new_frame_renderer();
  ImGui_ImplSDL2_NewFrame();
  // The SDL2 backend of ImGui 1.86 polls the mouse state every frame; a synthetic tap
  // overrides it after the poll.
  ImGuiIO& io = ImGui::GetIO();
  if (!impl_->touches.empty()) {
    const auto touch = impl_->touches.front();
    impl_->touches.pop_front();
    io.MousePos = touch.at;
    io.MouseDown[0] = touch.down;
  }
  ImGui::NewFrame();
  impl_->in_frame = true;
}

void Display::render() {
  if (!impl_->in_frame) return;
  ImGui::Render();
  impl_->in_frame = false;
  SDL_SetRenderDrawColor(impl_->renderer, 0, 0, 0, 255);
  SDL_RenderClear(impl_->renderer);
  imgui_backends::render(ImGui::GetDrawData());
  impl_->rendered = true;
}

void Display::present() {
  if (!impl_->rendered) return;
  SDL_RenderPresent(impl_->renderer);
  impl_->rendered = false;
}

void Display::end_frame() {
  render();
  present();
}

void Display::discard_frame() {
  if (!impl_->in_frame) return;
  ImGuiContext& g = *ImGui::GetCurrentContext();
  // ImGui 1.86's recovery does not unwind fonts, and End() asserts on a font left pushed:
  // nothing pushes a font across frames, so all of them go first.
  if (g.FontStack.Size > 0) log_recovery(nullptr, "%d font(s) left pushed", g.FontStack.Size);
  while (g.FontStack.Size > 0) ImGui::PopFont();
  ImGui::ErrorCheckEndFrameRecover(log_recovery, nullptr);
  // What was pushed outside any window (ErrorCheckEndFrameRecover only unwinds windows).
  if (g.ColorStack.Size > 0) ImGui::PopStyleColor(g.ColorStack.Size);
  if (g.StyleVarStack.Size > 0) ImGui::PopStyleVar(g.StyleVarStack.Size);
  ImGui::EndFrame();
  impl_->in_frame = false;
  impl_->rendered = false;
}

bool Display::in_frame() const { return impl_->in_frame; }

Result<RgbaImage> Display::read_pixels() {
  if (!impl_->rendered) return fail(Errc::invalid_input, "read_pixels: call it after render() and before present()");
  RgbaImage image;
  image.width = impl_->pixel_width;
  image.height = impl_->pixel_height;
  image.pixels.resize(static_cast<std::size_t>(image.width) * image.height * 4);
  if (SDL_RenderReadPixels(impl_->renderer, nullptr, SDL_PIXELFORMAT_RGBA32, image.pixels.data(), image.width * 4) != 0)
    return fail(Errc::io, fmt::format("could not read the screen back: {}", SDL_GetError()));
  return image;
}

Result<void> Display::save_screenshot(const std::filesystem::path& png_path) {
  auto image = read_pixels();
  if (!image) return std::unexpected(image.error());
  std::error_code ignored;
  if (png_path.has_parent_path()) std::filesystem::create_directories(png_path.parent_path(), ignored);
  return write_png_rgba(png_path, image->width, image->height, image->pixels.data());
}

void Display::tap(float x, float y) {
  impl_->touches.push_back({ImVec2(x, y), true});
  impl_->touches.push_back({ImVec2(x, y), false});
}

void Display::drag(float x, float y, float to_x, float to_y) {
  constexpr int kSteps = 8;  // a finger's slide over a few frames, as ImGui sees one
  for (int i = 0; i <= kSteps; ++i) {
    const float f = static_cast<float>(i) / kSteps;
    impl_->touches.push_back({ImVec2(x + (to_x - x) * f, y + (to_y - y) * f), true});
  }
  impl_->touches.push_back({ImVec2(to_x, to_y), false});
}

bool Display::tap_pending() const { return !impl_->touches.empty(); }

ImTextureID Display::update_preview(const std::uint8_t* gray, int width, int height, int row_stride,
                                    std::uint64_t serial) {
  if (!gray || width <= 0 || height <= 0) return nullptr;
  if (row_stride < width) row_stride = width;
  auto& d = *impl_;
  if (d.preview && (d.preview_w != width || d.preview_h != height)) {
    SDL_DestroyTexture(d.preview);
    d.preview = nullptr;
  }
  if (!d.preview) {
    d.preview = SDL_CreateTexture(d.renderer, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STREAMING, width, height);
    if (!d.preview) {
      log_error("display", "could not create the preview texture: {}", SDL_GetError());
      return nullptr;
    }
    d.preview_w = width;
    d.preview_h = height;
    d.preview_valid = false;
  }
  if (!d.preview_valid || serial != d.preview_serial) {
    d.preview_rgba.resize(static_cast<std::size_t>(width) * height * 4);
    for (int y = 0; y < height; ++y) {
      const std::uint8_t* src = gray + static_cast<std::ptrdiff_t>(y) * row_stride;
      std::uint8_t* dst = d.preview_rgba.data() + static_cast<std::size_t>(y) * width * 4;
      for (int x = 0; x < width; ++x) {
        dst[4 * x] = dst[4 * x + 1] = dst[4 * x + 2] = src[x];
        dst[4 * x + 3] = 255;
      }
    }
    if (SDL_UpdateTexture(d.preview, nullptr, d.preview_rgba.data(), width * 4) != 0) return nullptr;
    d.preview_serial = serial;
    d.preview_valid = true;
  }
  return static_cast<ImTextureID>(d.preview);
}

int Display::width() const { return impl_->width; }
int Display::height() const { return impl_->height; }
int Display::pixel_width() const { return impl_->pixel_width; }
int Display::pixel_height() const { return impl_->pixel_height; }
const FontSet& Display::fonts() const { return impl_->fonts; }
int Display::font_builds() const { return impl_->font_builds; }
DisplayMode Display::mode() const { return impl_->options.mode; }
SDL_Window* Display::sdl_window() const { return impl_->window; }
SDL_Renderer* Display::sdl_renderer() const { return impl_->renderer; }

void Display::set_window_size(int width, int height) {
  if (impl_->options.mode == DisplayMode::fullscreen || width < 64 || height < 64) return;
  SDL_SetWindowSize(impl_->window, width, height);
  impl_->update_sizes();
}

}  // namespace checkin::platform
