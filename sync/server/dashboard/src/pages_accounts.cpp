#include "pages.hpp"

namespace checkin::server::dashboard {

void add_account_routes(Router&) {}

}  // namespace checkin::server::dashboard
