#include "pages.hpp"

namespace checkin::server::dashboard {

void add_shift_routes(Router&) {}

}  // namespace checkin::server::dashboard
