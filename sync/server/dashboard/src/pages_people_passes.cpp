#include "pages.hpp"

namespace checkin::server::dashboard {

void add_person_pass_routes(Router&) {}

}  // namespace checkin::server::dashboard
