// SPDX-License-Identifier: AGPL-3.0-or-later
// Themes: WCAG contrast of every text colour against its background, and no harsh red
// for "please see a volunteer".
#include "ui_test_support.hpp"

using namespace ui_test;

TEST_CASE("WCAG contrast ratios are computed as specified") {
  CHECK(contrast_ratio(Color::hex(0x000000), Color::hex(0xFFFFFF)) == Catch::Approx(21.0));
  CHECK(contrast_ratio(Color::hex(0xFFFFFF), Color::hex(0xFFFFFF)) == Catch::Approx(1.0));
  // Reference values from the WCAG contrast checker.
  CHECK(contrast_ratio(Color::hex(0x767676), Color::hex(0xFFFFFF)) == Catch::Approx(4.54).epsilon(0.01));
  CHECK(contrast_ratio(Color::hex(0x595959), Color::hex(0xFFFFFF)) == Catch::Approx(7.0).epsilon(0.01));
}

TEST_CASE("every text colour of both themes reaches 7:1 against its background") {
  for (const Theme* theme : {&calm_theme(), &high_contrast_theme()}) {
    for (const auto& pair : theme->text_pairs()) {
      INFO(theme->name << ": " << pair.what << " = " << contrast_ratio(pair.text, pair.background));
      CHECK(contrast_ratio(pair.text, pair.background) >= 7.0);
    }
  }
}

TEST_CASE("the refusal colours are warm and calm - not red") {
  for (const Theme* theme : {&calm_theme(), &high_contrast_theme()}) {
    const Color icon = theme->attention.icon;
    INFO(theme->name);
    // Amber: red and green both strong, blue weak; a harsh red has green far below red.
    CHECK(icon.g >= icon.r * 0.55);
    CHECK(icon.b < icon.g);
    // Every outcome family is told apart by more than colour (icon and words), but the
    // colours differ too.
    CHECK_FALSE(theme->attention.background == theme->success.background);
    CHECK_FALSE(theme->info.background == theme->success.background);
  }
}

TEST_CASE("theme_for picks the high-contrast theme when asked") {
  CHECK(theme_for(false).name == "calm");
  CHECK(theme_for(true).name == "high_contrast");
  CHECK(contrast_ratio(high_contrast_theme().text, high_contrast_theme().background) >= 15.0);
}
