// SPDX-License-Identifier: AGPL-3.0-or-later
// stb_image's decoders compiled into the image harness (from Debian's libstb-dev header),
// instead of linking libstb: so the fuzzer sees their branches and the sanitizers their
// memory. Only here: the programs link libstb's build.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_write.h>
