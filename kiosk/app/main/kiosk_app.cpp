// SPDX-License-Identifier: AGPL-3.0-or-later
#include "kiosk_app.hpp"

#include <SDL.h>
#include <fmt/format.h>
#include <imgui.h>

#include <unistd.h>

#include <fstream>
#include <mutex>
#include <thread>

#include "checkin/app/demo_setup.hpp"
#include "checkin/app/kiosk.hpp"
#include "checkin/app/script.hpp"
#include "checkin/app/script_runner.hpp"
#include "checkin/app/sync_link.hpp"
#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
#include "checkin/platform/display.hpp"
#include "checkin/platform/frame_feed.hpp"
#include "checkin/platform/replay_source.hpp"
#include "checkin/platform/scan_worker.hpp"
#include "checkin/platform/service_notifier.hpp"
#include "checkin/platform/sound.hpp"
#include "checkin/platform/system_clock.hpp"
#include "checkin/platform/v4l2_camera.hpp"
#include "checkin/platform/wedge_scanner.hpp"
#include "checkin/qr/image.hpp"
#include "checkin/sync/client.hpp"
#include "checkin/ui/assets.hpp"
#include "checkin/ui/screens.hpp"
#include "checkin/ui/translator.hpp"

namespace checkin::app {

namespace {

using namespace std::chrono;
using platform::monotonic_now;

constexpr Millis kPreviewRedraw{500};  // the live preview refreshes twice a second at most
constexpr int kFramesAfterInput = 3;   // ImGui needs a frame or two to settle after input
constexpr int kFailedFramesLimit = 3;  // frames in a row that throw before the watchdog hears no more

platform::DisplayOptions display_options(const KioskConfig& config) {
  platform::DisplayOptions o;
  o.title = "Check-in";
  o.mode = config.display == DisplayMode::headless   ? platform::DisplayMode::headless
           : config.display == DisplayMode::windowed ? platform::DisplayMode::windowed
                                                      : platform::DisplayMode::fullscreen;
  o.width = config.width;
  o.height = config.height;
  return o;
}

ui::Fonts fonts_of(const platform::FontSet& f) { return ui::Fonts{f.small, f.body, f.button, f.large, f.huge, f.lead}; }

// The command line picked a camera: demo and script modes then leave it alone.
bool camera_chosen(const LaunchOptions& launch) {
  return std::ranges::any_of(launch.overrides, [](const auto& o) { return o.key == "camera.source"; });
}

// Scripts move time by hand; the sync thread reads the same clock meanwhile. Every run of a
// script is on one timeline: its monotonic time is its wall time (from a fixed origin, with
// a boot id of its own), so time that passed between two runs counts as it would on a
// kiosk left running (a shift started in one run and ended in the next lasts as long).
class ScriptClock final : public Clock {
 public:
  explicit ScriptClock(WallTime start) : wall_(start) {}
  Instant now() const override {
    std::lock_guard lock(mutex_);
    return Instant{wall_, wall_ - kOrigin, "script-clock", true};
  }
  void advance(Millis by) {
    std::lock_guard lock(mutex_);
    wall_ += by;
  }

 private:
  static constexpr WallTime kOrigin{std::chrono::sys_days{std::chrono::year{2020} / 1 / 1}};
  mutable std::mutex mutex_;
  WallTime wall_;
};

// The flow's sync port, backed by the real worker thread.
class WorkerSyncLink final : public SyncLink {
 public:
  WorkerSyncLink(std::filesystem::path database, const Clock& clock, sync::WorkerOptions options,
                 std::function<void()> on_change)
      : worker_(std::move(database), clock, std::move(options), std::move(on_change)) {}
  void nudge() override { worker_.nudge(); }
  void enrol(sync::EnrolmentCode code) override { worker_.enrol(std::move(code)); }
  sync::SyncStatus status() const override { return worker_.status(); }

 private:
  sync::SyncWorker worker_;
};

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "checkin-kiosk";
  return name;
}

sync::WorkerOptions worker_options(const KioskConfig& config) {
  sync::WorkerOptions o;
  o.interval = seconds{config.sync_interval_seconds};
  o.device_name = host_name();
  o.client.request_timeout = seconds{config.sync_request_timeout_seconds};
  o.client.batch_size = static_cast<std::size_t>(config.sync_batch_size);
  o.client.keep_uploaded = hours{config.sync_keep_uploaded_hours};
  o.client.ca_file = config.sync_ca_file;
  return o;
}

const char* state_name(sync::SyncState state) {
  switch (state) {
    case sync::SyncState::not_enrolled: return "not enrolled";
    case sync::SyncState::syncing: return "syncing";
    case sync::SyncState::synced: return "synced";
    case sync::SyncState::retrying: return "retrying";
    case sync::SyncState::needs_enrolment: return "needs enrolment";
  }
  return "unknown";
}

// --enrol CODE or --enrol @FILE, before the kiosk starts (and its sync worker with it). The
// code's token is a credential: no message here repeats the code.
Result<void> enrol_at_start(const std::string& argument, const KioskConfig& config, store::Store& store,
                            const Clock& clock) {
  if (!config.sync_enabled) return fail(Errc::invalid_input, "--enrol: sync is turned off (sync.enabled = false)");
  std::string text = argument;
  if (argument.starts_with('@')) {
    const std::filesystem::path file = argument.substr(1);
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(Errc::io, fmt::format("--enrol: cannot read {}", file.string()));
    // One byte over the limit is enough for the parser to refuse a file that is too long.
    text.assign(sync::kMaxEnrolmentCodeLength + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();  // the file's newline
  auto code = sync::parse_enrolment_code(text);
  if (!code) return fail(Errc::invalid_input, fmt::format("--enrol: {}", code.error().message));
  auto enrolled = sync::enrol(*code, host_name(), store, clock, worker_options(config).client);
  if (!enrolled) return fail(enrolled.error().code, fmt::format("--enrol: {}", enrolled.error().message));
  return {};
}

// Everything the kiosk is made of, wired once. Member order is construction order.
class KioskApp final : private ScriptHost {
 public:
  KioskApp(KioskConfig config, const LaunchOptions& launch, platform::ServiceNotifier& service,
           std::unique_ptr<platform::Display> display, ui::Translator translator, store::Store store,
           std::unique_ptr<Clock> clock, ScriptClock* manual_clock, std::optional<DemoSetup> demo)
      : config_(std::move(config)), launch_(launch), service_(service), display_(std::move(display)),
        translator_(std::move(translator)), store_(std::move(store)), clock_(std::move(clock)),
        manual_clock_(manual_clock), demo_(std::move(demo)),
        desk_(*clock_, store_, device_id()),
        kiosk_(desk_, store_, PinGuard(config_.admin_pin_hash), settings_from(config_), timeouts_from(config_)),
        wake_event_(SDL_RegisterEvents(1)),
        queue_([this] { wake(); }),
        wedge_({Millis{config_.scanner_max_key_gap_ms}, static_cast<std::size_t>(config_.scanner_min_length)}),
        sound_(kiosk_.settings().volume) {
    kiosk_.set_languages(translator_.languages());
    kiosk_.load_caches();
    kiosk_.load_history();
    start_sync();
    start_camera();
  }

  int run() {
    int status = launch_.script.empty() ? run_loop() : run_script();
    service_.stopping();
    return status;
  }

 private:
  static KioskSettings settings_from(const KioskConfig& c) {
    KioskSettings s;
    s.language = c.language;
    s.volume = c.volume;
    s.discreet_mode = c.discreet_mode;
    s.high_contrast = c.high_contrast;
    s.export_dir = c.export_dir.string();
    return s;
  }

  static KioskTimeouts timeouts_from(const KioskConfig& c) {
    KioskTimeouts t;
    t.result = std::chrono::seconds{c.result_seconds};
    t.refusal = std::chrono::seconds{c.refusal_seconds};
    return t;
  }

  // The id events carry. Until enrolment gives the kiosk a server id, a local one made once.
  std::string device_id() {
    if (auto id = store_.device_id(); id && *id) return **id;
    if (auto local = store_.get_setting(store::kLocalDeviceIdSetting); local && *local) return **local;
    std::string id = "local-" + make_uuid_v7(clock_->now().wall);
    if (auto ok = store_.set_setting(store::kLocalDeviceIdSetting, id); !ok) log_error("kiosk", "{}", ok.error().message);
    return id;
  }

  void start_sync() {
    if (!config_.sync_enabled) {
      log_info("sync", "sync is turned off (sync.enabled = false): this kiosk does not use the network");
      return;
    }
    sync_ = std::make_unique<WorkerSyncLink>(config_.database, *clock_, worker_options(config_), [this] { wake(); });
    kiosk_.set_sync(sync_.get());
  }

  void start_camera() {
    platform::ScanWorkerOptions options;
    platform::FrameSourceFactory factory;
    // Scripts show images through their own camera, unless told to use another one
    // (--set camera.source=v4l2 shows what happens without a camera).
    if (!launch_.script.empty() && !camera_chosen(launch_)) {
      script_camera_ = platform::FrameFeed::create("camera of the script");
      factory = script_camera_->factory();
      options.motion.enabled = false;  // every scripted frame is decoded
      options.repeat_gap = Millis{0};
    } else if (config_.camera == CameraSource::replay) {
      factory = platform::replay_factory(config_.replay_path, {.frames_per_second = double(config_.replay_fps)});
    } else if (config_.camera == CameraSource::v4l2) {
      platform::V4l2Options v4l2;
      v4l2.device = config_.camera_device;
      v4l2.format.sizes.insert(v4l2.format.sizes.begin(), {config_.camera_width, config_.camera_height});
      factory = platform::v4l2_camera_factory(v4l2);
    } else {
      return;  // no camera: scanners only
    }
    worker_ = std::make_unique<platform::ScanWorker>(queue_, std::move(factory), options);
  }

  // From any thread: wake the UI thread's SDL_WaitEventTimeout.
  void wake() {
    SDL_Event e{};
    e.type = wake_event_;
    SDL_PushEvent(&e);
  }

  // ---- input ----

  void handle_event(const SDL_Event& e) {
    switch (e.type) {
      case SDL_QUIT: quit_ = true; break;
      case SDL_TEXTINPUT: wedge_.on_text(e.text.text, monotonic_now()); break;
      case SDL_KEYDOWN:
        if (e.key.repeat) wedge_.on_key_repeat(monotonic_now());
        else if (e.key.keysym.sym == SDLK_RETURN || e.key.keysym.sym == SDLK_KP_ENTER)
          if (auto code = wedge_.on_enter(monotonic_now())) queue_.push(*code, platform::ScanSource::wedge_scanner, monotonic_now());
        break;
      default: break;
    }
    if (e.type != wake_event_ && display_->process_event(e)) frames_to_draw_ = kFramesAfterInput;
  }

  void take_scans() {
    for (auto& scan : queue_.take_all()) {
      kiosk_.on_scan(scan.text);
      frames_to_draw_ = kFramesAfterInput;
      if (scan.source == platform::ScanSource::camera)
        log_info("scan", "camera frame {} to decision in {} ms", scan.frame_number,
                  (monotonic_now() - scan.seen_at).count());
    }
  }

  void play_cue() {
    sound_.set_volume(kiosk_.settings().volume);
    switch (kiosk_.take_cue()) {
      case Cue::success: sound_.play(platform::Cue::success); break;
      case Cue::see_volunteer: sound_.play(platform::Cue::see_volunteer); break;
      case Cue::none: break;
    }
  }

  // ---- drawing ----

  ui::ViewState current_view() {
    auto view = kiosk_.view();
    if (worker_) {
      auto camera = worker_->camera();
      view.ready.camera = camera.status == platform::CameraStatus::ok        ? ui::CameraState::ok
                          : camera.status == platform::CameraStatus::starting ? ui::CameraState::starting
                                                                              : ui::CameraState::missing;
      if (auto newer = worker_->preview_newer_than(preview_.serial)) preview_ = std::move(*newer);
      if (camera.status != platform::CameraStatus::ok) preview_ = {};
      camera_status_ = camera.status;
    } else {
      view.ready.camera = ui::CameraState::missing;
    }
    view.ready.preview = {preview_.image.empty() ? nullptr : preview_.image.data(), preview_.image.width(),
                          preview_.image.height(), preview_.serial};
    return view;
  }

  // Draws one frame; with `screenshot` set, writes it there. Handles what was tapped.
  void draw_frame(const std::filesystem::path& screenshot = {}) {
    auto view = current_view();
    ImTextureID preview = nullptr;
    if (view.screen == ui::Screen::ready && view.ready.preview.pixels)
      preview = display_->update_preview(view.ready.preview.pixels, view.ready.preview.width,
                                         view.ready.preview.height, view.ready.preview.width, view.ready.preview.serial);
    std::vector<ui::Intent> intents;
    display_->begin_frame();
    bool drawn = false;
    try {
      last_report_ = ui::draw(view, ui::DrawInput{translator_, fonts_of(display_->fonts()), preview}, intents);
      display_->render();
      if (!screenshot.empty())
        if (auto ok = display_->save_screenshot(screenshot); !ok) log_error("kiosk", "{}", ok.error().message);
      display_->present();
      drawn = true;
    } catch (const std::exception& e) {
      // A frame that throws is dropped, not the kiosk.
      log_error("ui", "frame failed and was discarded: {}", e.what());
      display_->discard_frame();
      intents.clear();
    }
    last_drawn_ = monotonic_now();
    last_screen_ = view.screen;
    failed_frames_ = drawn ? 0 : failed_frames_ + 1;
    if (drawn && !first_frame_logged_) {
      // The store is open (the app is built on it) and the screen shows: start-up is done.
      first_frame_logged_ = true;
      log_info("kiosk", "ready screen drawn {} ms after start",
               duration_cast<milliseconds>(steady_clock::now() - launch_.process_start).count());
      service_.ready("running");
    }
    for (const auto& intent : intents) {
      kiosk_.on_intent(intent);
      frames_to_draw_ = kFramesAfterInput;
    }
    play_cue();
  }

  // A camera watching an empty hallway sends the same picture all day; redrawing it is
  // most of an idle kiosk's CPU. Redraw only when the picture (or the camera state) changed.
  bool preview_changed() {
    auto camera = worker_->camera().status;
    if (camera != camera_status_) return true;
    auto newer = worker_->preview_newer_than(drawn_preview_.serial);
    if (!newer) return false;
    const auto& a = newer->image;
    const auto& b = drawn_preview_.image;
    bool changed = a.width() != b.width() || a.height() != b.height();
    if (!changed) {
      long long diff = 0, samples = 0;
      for (int y = 0; y < a.height(); y += 3)
        for (int x = 0; x < a.width(); x += 3, ++samples) diff += std::abs(int(a.at(x, y)) - int(b.at(x, y)));
      changed = samples > 0 && diff > samples * 2;  // more than sensor noise
    }
    if (changed) drawn_preview_ = std::move(*newer);
    return changed;
  }

  // ---- the watchdog ----

  // Called on every turn of the loop; once a keep-alive period it checks the kiosk's health
  // and tells systemd's watchdog only when the kiosk works, so that systemd restarts one
  // that does not.
  void feed_watchdog() {
    service_.keep_alive(steady_clock::now(), [this] { return healthy(); });
  }

  // Working means: the loop comes round (it is not stuck), frames draw (fewer than
  // kFailedFramesLimit in a row threw), and the store takes writes. Of the store, the loop
  // sees cheaply the flow's store fault: set when a write failed, cleared when a check-in
  // commits. One failed write may have been a passing moment, so while the fault is set the
  // kiosk confirms it with one small write of its own (once a period); only when that fails
  // too is the watchdog left unfed, and the restart reopens the database (or shows on screen
  // why it cannot).
  bool healthy() {
    std::string problem;
    if (failed_frames_ >= kFailedFramesLimit) {
      problem = "frames keep failing to draw";
    } else if (!kiosk_.view().admin.store_fault.empty()) {
      if (auto written = store_.set_setting("watchdog_probe", "written"); !written) {
        log_error("kiosk", "the store cannot be written: {}", written.error().message);
        problem = "the store cannot be written";
      }
    }
    if (problem != health_problem_) {
      health_problem_ = problem;
      if (problem.empty()) log_info("kiosk", "working again: telling the watchdog");
      else log_error("kiosk", "{}: no longer telling the watchdog, systemd will restart the kiosk", problem);
      service_.status(problem.empty() ? "running" : problem + " (watchdog not told)");
    }
    return problem.empty();
  }

  // ---- the interactive (and headless demo) loop ----

  int run_loop() {
    auto started = monotonic_now();
    int shot = 0;
    std::string last_shot_key;
    while (!quit_ && !kiosk_.leave_requested()) {
      Millis wait = frames_to_draw_ > 0 ? Millis{0} : std::min(kiosk_.time_to_next_timer(), Millis{1000});
      bool live_preview = worker_ && kiosk_.view().screen == ui::Screen::ready;
      if (live_preview) wait = std::min(wait, std::max(Millis{0}, kPreviewRedraw - (monotonic_now() - last_polled_)));
      wait = std::min(wait, service_.time_to_keep_alive(steady_clock::now(), wait));
      SDL_Event e;
      if (display_->mode() == platform::DisplayMode::headless) {
        // No input without a screen: sleep until a scan, a camera change or a timer.
        queue_.wait(wait);
        while (SDL_PollEvent(&e)) handle_event(e);
      } else if (SDL_WaitEventTimeout(&e, static_cast<int>(wait.count()))) {
        handle_event(e);
        while (SDL_PollEvent(&e)) handle_event(e);
      }
      take_scans();
      kiosk_.tick();
      if (kiosk_.take_sync_change()) frames_to_draw_ = std::max(frames_to_draw_, 1);
      bool due = monotonic_now() - last_drawn_ >= kiosk_.time_to_next_timer();
      if (live_preview && monotonic_now() - last_polled_ >= kPreviewRedraw) {
        last_polled_ = monotonic_now();
        due = due || preview_changed();
      }
      if (frames_to_draw_ > 0 || due || last_screen_ != kiosk_.view().screen) {
        if (frames_to_draw_ > 0) --frames_to_draw_;
        std::filesystem::path path;
        // Headless demo: a screenshot whenever what the screen says changes.
        if (!launch_.screenshots.empty()) {
          auto v = kiosk_.view();
          std::string key = fmt::format("{}-{}-{}", int(v.screen), int(v.result.outcome), v.result.name);
          if (key != last_shot_key && frames_to_draw_ == 0) {
            last_shot_key = key;
            path = launch_.screenshots / fmt::format("{:03}-{}.png", shot++, screen_name(v));
          }
        }
        draw_frame(path);
      }
      feed_watchdog();
      if (launch_.run_for_seconds > 0 &&
          monotonic_now() - started >= duration_cast<Millis>(duration<double>(launch_.run_for_seconds)))
        break;
    }
    return 0;
  }

  static std::string screen_name(const ui::ViewState& v) {
    static const char* names[] = {"ready", "result", "choose-session", "no-pass", "feedback", "admin-pin", "admin"};
    std::string name = names[static_cast<int>(v.screen)];
    if (v.screen == ui::Screen::result) name += std::string("-") + to_string(v.result.outcome);
    return name;
  }

  // ---- headless scripts: the host that script_runner.hpp drives ----

  int run_script() {
    auto steps = load_script(launch_.script);
    if (!steps) {
      log_error("script", "{}", steps.error().message);
      return 1;
    }
    ScriptRun run{launch_.script.string(), launch_.screenshots, {}};
    if (demo_)
      for (const auto& pass : demo_->data.passes) run.passes[pass.label] = pass.text;
    if (auto done = app::run_script(*steps, *this, run); !done) {
      log_error("script", "{}", done.error().message);
      return 1;
    }
    return 0;
  }

  // After each step: scans handed to the flow, its timers run.
  void step_done() {
    take_scans();
    kiosk_.tick();
    feed_watchdog();
  }

  void scan(std::string code) override {
    queue_.push(std::move(code), platform::ScanSource::script, monotonic_now());
    step_done();
  }

  Result<void> show_image(const std::filesystem::path& path) override {
    if (!script_camera_) return fail(Errc::invalid_input, "replay needs the script's camera (no camera.source)");
    auto image = qr::load_image(path);
    if (!image) return std::unexpected(image.error());
    auto before = worker_->stats().frames_decoded;
    script_camera_->show(std::move(*image));
    // The frame is decoded on the scan worker, as a camera's would be; wait for it.
    for (int i = 0; i < 500 && worker_->stats().frames_decoded == before; ++i) std::this_thread::sleep_for(10ms);
    step_done();
    return {};
  }

  void type(std::string_view text, Millis gap) override {
    // Key by key at scanner speed, through the same detector as real key events.
    Millis t = monotonic_now();
    for (std::size_t i = 0; i < text.size();) {
      std::size_t len = 1;
      while (i + len < text.size() && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) ++len;
      wedge_.on_text(text.substr(i, len), t);
      t += gap;
      i += len;
    }
    if (auto code = wedge_.on_enter(t)) queue_.push(*code, platform::ScanSource::wedge_scanner, t);
    step_done();
  }

  Result<void> tap(std::string_view name) override {
    const auto* button = last_report_.button(std::string(name));
    // Scrolled out of sight: slide the list the way a person would, until it shows.
    for (int slides = 0; button && button->visible.h < button->rect.h * 0.5f && slides < 12; ++slides) {
      const ui::Rect& list = button->clip;
      const float x = list.x + list.w * 0.5f;
      const bool below = button->rect.y > list.y;
      const float from = list.y + list.h * (below ? 0.8f : 0.2f), to = list.y + list.h * (below ? 0.3f : 0.7f);
      display_->drag(x, from, x, to);
      settle();
      button = last_report_.button(std::string(name));
    }
    if (!button) {
      std::string names;
      for (const auto& b : last_report_.buttons) names += " " + b.name;
      return fail(Errc::invalid_input, fmt::format("no button '{}' on this screen; there are:{}", name, names));
    }
    auto c = button->visible.center();
    display_->tap(c.x, c.y);
    step_done();
    return {};
  }

  void move_clock(Millis by) override {
    manual_clock_->advance(by);
    step_done();
  }
  WallTime clock_now() override { return clock_->now().wall; }

  void set_language(std::string code) override {
    kiosk_.on_intent(ui::Intent{ui::Intent::Kind::set_language, std::move(code)});
    step_done();
  }

  // Real time, not the script's clock: the server and the network run at their own pace.
  // A pass that starts after this call must finish with nothing left to send.
  Result<void> wait_sync(Millis most) override {
    if (!sync_) return fail(Errc::invalid_input, "wait-sync: sync is turned off (sync.enabled = false)");
    const auto deadline = steady_clock::now() + most;
    const std::uint64_t passes_before = sync_->status().passes;
    sync_->nudge();
    for (;;) {
      step_done();  // polls the worker, reloads what it downloaded
      const auto& s = kiosk_.sync_status();
      const auto enrol = kiosk_.enrol_step();
      // The store's own count as well: the worker's may not have seen the newest event yet.
      auto counts = store_.outbox_counts();
      const bool enrolling = enrol == ui::EnrolStep::enrolling || enrol == ui::EnrolStep::waiting_for_code;
      const bool idle = s.state == sync::SyncState::synced && s.passes > passes_before && s.pending == 0 && counts &&
                        counts->pending == 0 && !enrolling;
      if (idle) return {};
      if (s.passes > passes_before && counts && counts->pending > 0 && s.state == sync::SyncState::synced)
        sync_->nudge();  // recorded during that pass: one more
      auto problem = [&](std::string_view what) {
        return fail(Errc::unavailable, fmt::format("wait-sync: {} (sync {}, {} waiting to send{}{})", what,
                                                   state_name(s.state), counts ? counts->pending : s.pending,
                                                   s.last_error.empty() ? "" : ", last error: ", s.last_error));
      };
      if (enrol == ui::EnrolStep::failed) return problem("enrolment failed");
      if (s.state == sync::SyncState::needs_enrolment) return problem("the server no longer accepts this kiosk");
      if (s.state == sync::SyncState::not_enrolled && !enrolling) return problem("this kiosk is not enrolled");
      if (steady_clock::now() >= deadline)
        return problem(fmt::format("not idle after {} s", duration_cast<seconds>(most).count()));
      std::this_thread::sleep_for(20ms);
    }
  }

  Result<void> wait_learned(std::size_t events, Millis most) override {
    if (!sync_) return fail(Errc::invalid_input, "wait-learned: sync is turned off (sync.enabled = false)");
    const auto deadline = steady_clock::now() + most;
    for (;;) {
      step_done();
      if (kiosk_.site_events_learned() >= events) return {};
      if (steady_clock::now() >= deadline)
        return fail(Errc::unavailable, fmt::format("wait-learned: {} of {} events from other doors after {} s",
                                                   kiosk_.site_events_learned(), events,
                                                   duration_cast<seconds>(most).count()));
      std::this_thread::sleep_for(20ms);
    }
  }

  void settle() override {
    for (int i = 0; i < 4 || display_->tap_pending(); ++i) {
      draw_frame();
      if (i > 20) break;
    }
    take_scans();
    feed_watchdog();
  }

  std::string screen_name() override { return screen_name(kiosk_.view()); }

  Result<void> screenshot(const std::filesystem::path& png) override {
    draw_frame(png);
    // Beside each screenshot, the words on it: tests read them, people can grep them.
    std::ofstream words(std::filesystem::path(png).replace_extension(".txt"));
    words << last_report_.all_text();
    if (!words.flush()) return fail(Errc::io, fmt::format("cannot write {}", png.string()));
    return {};
  }

  KioskConfig config_;
  const LaunchOptions& launch_;
  platform::ServiceNotifier& service_;
  std::unique_ptr<platform::Display> display_;
  ui::Translator translator_;
  store::Store store_;
  std::unique_ptr<Clock> clock_;
  ScriptClock* manual_clock_;  // headless: the same clock, movable by scripts
  std::optional<DemoSetup> demo_;
  CheckInDesk desk_;
  Kiosk kiosk_;
  std::uint32_t wake_event_;
  platform::ScanQueue queue_;
  platform::WedgeScannerDetector wedge_;
  platform::SoundPlayer sound_;
  std::unique_ptr<SyncLink> sync_;  // nullptr: sync turned off; its thread wakes the UI
  std::shared_ptr<platform::FrameFeed> script_camera_;
  std::unique_ptr<platform::ScanWorker> worker_;  // last: its thread uses the queue
  platform::PreviewFrame preview_;        // the newest picture from the camera
  platform::PreviewFrame drawn_preview_;  // the picture on screen, to tell when it changed
  platform::CameraStatus camera_status_ = platform::CameraStatus::starting;
  Millis last_polled_{0};
  ui::FrameReport last_report_;
  ui::Screen last_screen_ = ui::Screen::ready;
  Millis last_drawn_{0};
  int frames_to_draw_ = kFramesAfterInput;
  int failed_frames_ = 0;       // in a row
  std::string health_problem_;  // why the watchdog is not told, as last reported; empty: healthy
  bool quit_ = false;
  bool first_frame_logged_ = false;
};

// When the kiosk cannot start (bad configuration, unusable database), it says so on its
// screen as well as in the log, and waits for someone to fix it. It never tells systemd it
// is ready: under Type=notify the start timeout ends it and systemd starts it again, which
// mends what mends itself (a data disk mounted late) and shows the problem meanwhile.
int show_problem(platform::ServiceNotifier& service, platform::Display& display, const ui::Translator& translator,
                 const std::string& language, const std::string& detail, const std::filesystem::path& screenshots) {
  log_error("kiosk", "cannot start: {}", detail);
  service.status("cannot start: the reason is on the screen and in the log");
  for (int frame = 0;; ++frame) {
    display.begin_frame();
    ui::draw_problem(detail, language, ui::DrawInput{translator, fonts_of(display.fonts()), nullptr});
    display.render();
    if (frame == 2 && !screenshots.empty()) {
      std::filesystem::create_directories(screenshots);
      (void)display.save_screenshot(screenshots / "problem.png");
    }
    display.present();
    if (display.mode() == platform::DisplayMode::headless && frame >= 2) return 2;
    SDL_Event e;
    if (SDL_WaitEventTimeout(&e, 1000) && e.type == SDL_QUIT) return 2;
    while (SDL_PollEvent(&e))
      if (e.type == SDL_QUIT) return 2;
    display.process_event(e);
  }
}

}  // namespace

int run_kiosk(const LaunchOptions& launch, platform::ServiceNotifier& service) {
  auto config = load_config(launch.config_file, launch.overrides);
  // A headless kiosk has no speakers to look for.
  if (launch.headless) setenv("SDL_AUDIODRIVER", "dummy", /*overwrite=*/0);
  KioskConfig defaults;
  if (launch.headless) defaults.display = DisplayMode::headless;
  const KioskConfig& shown = config ? *config : defaults;
  if (!launch.start_time.empty() && launch.script.empty()) {
    log_error("kiosk", "--start-time needs --script");
    return 2;
  }

  auto assets = ui::find_assets_dir(shown.assets_dir);
  if (!assets) assets = ui::find_assets_dir();  // the built-in translations can still explain the problem
  if (!assets) {
    log_error("kiosk", "cannot start: {}", assets.error().message);
    return 2;
  }
  auto translator = ui::Translator::load_dir(ui::i18n_dir(*assets));
  if (!translator) {
    log_error("kiosk", "cannot start: {}", translator.error().message);
    return 2;
  }
  auto display = platform::Display::open(display_options(shown));
  if (!display) {
    log_error("kiosk", "cannot open the display: {}", display.error().message);
    return 2;
  }
  if (!config)
    return show_problem(service, **display, *translator, shown.language, config.error().message, launch.screenshots);

  std::unique_ptr<Clock> clock;
  ScriptClock* manual = nullptr;
  if (!launch.script.empty()) {  // scripts move time themselves ("advance 6s")
    WallTime start = time_point_cast<Millis>(system_clock::now());
    if (!launch.start_time.empty() && !parse_utc(launch.start_time, start))
      return show_problem(service, **display, *translator, config->language,
                          fmt::format("--start-time '{}' is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)", launch.start_time),
                          launch.screenshots);
    auto owned = std::make_unique<ScriptClock>(start);
    manual = owned.get();
    clock = std::move(owned);
  } else {
    clock = std::make_unique<platform::SystemClock>();
  }

  if (!launch.demo_dir.empty()) {
    std::filesystem::create_directories(launch.demo_dir);
    bool database_set = std::ranges::any_of(launch.overrides, [](const auto& o) { return o.key == "kiosk.database"; });
    if (!database_set) config->database = launch.demo_dir / "kiosk.db";
  }
  if (auto dir = config->database.parent_path(); !dir.empty() && !std::filesystem::exists(dir))
    return show_problem(service, **display, *translator, config->language,
                        fmt::format("the database folder {} does not exist (kiosk.database)", dir.string()),
                        launch.screenshots);
  auto store = store::Store::open(config->database.string());
  if (!store)
    return show_problem(service, **display, *translator, config->language, store.error().message, launch.screenshots);

  if (!launch.enrol.empty()) {
    auto enrolled = launch.demo_dir.empty()
                        ? enrol_at_start(launch.enrol, *config, *store, *clock)
                        : Result<void>(fail(Errc::invalid_input,
                                            "--enrol and --demo do not go together: --demo makes its own organisation"));
    if (!enrolled)
      return show_problem(service, **display, *translator, config->language, enrolled.error().message,
                          launch.screenshots);
  }

  std::optional<DemoSetup> demo;
  if (!launch.demo_dir.empty()) {
    auto setup = prepare_demo(launch.demo_dir, *store, clock->now().wall);
    if (!setup)
      return show_problem(service, **display, *translator, config->language, setup.error().message,
                          launch.screenshots);
    if (launch.script.empty() && !camera_chosen(launch)) {
      config->camera = CameraSource::replay;
      config->replay_path = setup->frames_dir;
    }
    if (config->admin_pin_hash.empty()) config->admin_pin_hash = setup->pin_hash;
    log_info("demo", "demo organisation in {}; staff PIN {}", launch.demo_dir.string(), kDemoPin);
    demo = std::move(*setup);
  }

  KioskApp app(std::move(*config), launch, service, std::move(*display), std::move(*translator), std::move(*store),
               std::move(clock), manual, std::move(demo));
  return app.run();
}

}  // namespace checkin::app
