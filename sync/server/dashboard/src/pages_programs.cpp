#include "pages.hpp"

namespace checkin::server::dashboard {

void add_program_routes(Router&) {}

}  // namespace checkin::server::dashboard
