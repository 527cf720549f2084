// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's screen: one SDL2 window, an SDL_Renderer (GLES/OpenGL where present,
// software otherwise) and the Dear ImGui context that draws into it.
//
// The app owns the event loop and the frame loop:
//
//   while (running) {
//     while (SDL_PollEvent(&e)) display->process_event(e);   // or SDL_WaitEventTimeout
//     display->begin_frame();
//     try { report = ui::draw(view, ..., intents); display->end_frame(); }
//     catch (const std::exception& e) { log(e); display->discard_frame(); }
//   }
//
// Headless mode uses SDL's dummy (or offscreen) video driver and the software renderer,
// so scripted runs and tests can render every screen and read the pixels back.
// There is one Display per process: it owns the (global) ImGui context.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "checkin/core/error.hpp"
#include "checkin/qr/image.hpp"
#include "imgui.h"

struct SDL_Window;
struct SDL_Renderer;
typedef union SDL_Event SDL_Event;

namespace checkin::platform {

enum class DisplayMode {
  fullscreen,  // the whole screen at its own resolution (the kiosk)
  windowed,    // a window of width x height (development, --windowed WxH)
  headless,    // no screen: dummy/offscreen video driver, software renderer, width x height
};

struct DisplayOptions {
  std::string title = "Check-in";
  DisplayMode mode = DisplayMode::fullscreen;
  int width = 1280;  // windowed and headless; fullscreen takes the screen's size
  int height = 720;
  bool vsync = true;               // ignored by the software renderer
  bool software_renderer = false;  // always true when headless
  // Hide the mouse pointer (a touchscreen kiosk has none). Default: only in fullscreen.
  enum class Cursor { automatic, shown, hidden } cursor = Cursor::automatic;
  // DejaVuSans.ttf and DejaVuSans-Bold.ttf are looked up here (package fonts-dejavu-core).
  std::filesystem::path font_dir = "/usr/share/fonts/truetype/dejavu";
};

// Pixel sizes of the text styles for a window of width x height (logical pixels). Body
// text is 28 px at 1280x720 and scales with the window (landscape is measured against
// 1280x720, portrait against 720x1280), never below a readable minimum on small screens.
struct FontSizes {
  float small = 0;  // hints and footers
  float body = 0;   // everything else
  float large = 0;  // headings
  float huge = 0;   // the one big line of a screen
};
FontSizes font_sizes_for(int width, int height);

// The fonts the screens draw with (DejaVu Sans; bold for buttons and headings). Glyphs
// cover Latin-1, Latin Extended-A and general punctuation (— · … “ ” ‘ ’ •).
struct FontSet {
  ImFont* small = nullptr;
  ImFont* body = nullptr;
  ImFont* button = nullptr;  // bold, body size
  ImFont* large = nullptr;   // bold
  ImFont* huge = nullptr;    // bold
  ImFont* lead = nullptr;    // regular, large size: a screen's second line
  FontSizes sizes;
};

// Tightly packed 8-bit RGBA pixels read back from the renderer.
struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height * 4, R G B A

  qr::GrayImage to_gray() const;  // ITU-R BT.601 luma
};

class Display {
 public:
  static Result<std::unique_ptr<Display>> open(const DisplayOptions& options);
  ~Display();
  Display(const Display&) = delete;
  Display& operator=(const Display&) = delete;

  // Feeds one SDL event to ImGui. Returns true when ImGui used it (a touch or click on
  // the UI, a key for a text field) or the window changed size.
  bool process_event(const SDL_Event& event);

  // begin_frame: updates fonts for the window size, injects pending synthetic taps and
  // starts an ImGui frame. Between begin_frame and end_frame the app draws with ImGui.
  void begin_frame();
  // render + present.
  void end_frame();
  // The two halves of end_frame, for reading pixels back: render(), then read_pixels()
  // or save_screenshot(), then present().
  void render();
  void present();
  // Throws away a frame that failed half-way (an exception between begin_frame and
  // end_frame): closes whatever windows, groups, IDs, colours, style variables and fonts
  // the failed code left open, ends the ImGui frame and draws nothing. The next
  // begin_frame starts clean. Logs what it had to close to stderr. No-op outside a frame.
  void discard_frame();
  bool in_frame() const;

  // The frame rendered by render(), before present(). Errors when called elsewhere.
  Result<RgbaImage> read_pixels();
  Result<void> save_screenshot(const std::filesystem::path& png_path);

  // A synthetic tap at (x, y) in window pixels: pressed on the next frame, released on
  // the one after, as a finger would. Taps queue up; each takes two frames.
  void tap(float x, float y);
  // A finger pressed at (x, y), slid to (to_x, to_y) over a few frames and lifted: how a
  // person scrolls a list.
  void drag(float x, float y, float to_x, float to_y);
  bool tap_pending() const;  // taps or drags still to play

  // The live camera preview as a texture: uploaded only when `serial` changes, recreated
  // when the size does. Returns nullptr for an empty frame. The texture stays valid
  // until the next call or until the Display is destroyed.
  ImTextureID update_preview(const std::uint8_t* gray, int width, int height, int row_stride,
                             std::uint64_t serial);

  // Window size in logical pixels (what ImGui lays out in) once begin_frame has run.
  int width() const;
  int height() const;
  // Output size in device pixels (differs from width/height only on high-DPI screens).
  int pixel_width() const;
  int pixel_height() const;
  const FontSet& fonts() const;
  // How many times the fonts were (re)built; tests use it to check the resize logic.
  int font_builds() const;

  // Windowed and headless: change the window size (tests render several sizes).
  void set_window_size(int width, int height);
  DisplayMode mode() const;

  SDL_Window* sdl_window() const;
  SDL_Renderer* sdl_renderer() const;

  struct Impl;

 private:
  explicit Display(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::platform
