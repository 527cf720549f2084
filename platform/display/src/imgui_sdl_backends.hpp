// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Dear ImGui's SDL2 platform backend and SDL_Renderer backend, whichever version Debian
// ships: 1.86 (Debian 12: imgui_impl_sdl.h, ImGui_ImplSDLRenderer_*) or 1.90 (Debian 13:
// imgui_impl_sdl2.h, ImGui_ImplSDLRenderer2_*, and the platform backend wants the renderer
// too). display.cpp calls these names only.
#include <SDL.h>

#if __has_include(<imgui_impl_sdlrenderer2.h>)
#include "imgui_impl_sdl2.h"
#include "imgui_impl_sdlrenderer2.h"
#define CHECKIN_IMGUI_RENDERER(name) ImGui_ImplSDLRenderer2_##name
#else
#include "imgui_impl_sdl.h"
#include "imgui_impl_sdlrenderer.h"
#define CHECKIN_IMGUI_RENDERER(name) ImGui_ImplSDLRenderer_##name
#endif

namespace checkin::platform::imgui_backends {

inline bool init_platform(SDL_Window* window, [[maybe_unused]] SDL_Renderer* renderer) {
#if __has_include(<imgui_impl_sdlrenderer2.h>)
  return ImGui_ImplSDL2_InitForSDLRenderer(window, renderer);
#else
  return ImGui_ImplSDL2_InitForSDLRenderer(window);
#endif
}
inline bool init_renderer(SDL_Renderer* renderer) { return CHECKIN_IMGUI_RENDERER(Init)(renderer); }
inline void shutdown_renderer() { CHECKIN_IMGUI_RENDERER(Shutdown)(); }
inline void new_frame_renderer() { CHECKIN_IMGUI_RENDERER(NewFrame)(); }
inline void render(ImDrawData* draw_data) { CHECKIN_IMGUI_RENDERER(RenderDrawData)(draw_data); }
inline void destroy_fonts_texture() { CHECKIN_IMGUI_RENDERER(DestroyFontsTexture)(); }
inline bool create_fonts_texture() { return CHECKIN_IMGUI_RENDERER(CreateFontsTexture)(); }

}  // namespace checkin::platform::imgui_backends

#undef CHECKIN_IMGUI_RENDERER
