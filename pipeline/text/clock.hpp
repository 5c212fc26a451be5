// The current time as text, for manifests, tags and log lines.
#pragma once

#include <string>

namespace briefing::text {

// Now, formatted with strftime(3) `format`, in UTC or in local time.
// e.g. now_text("%Y-%m-%dT%H:%M:%SZ", true) → "2026-11-24T06:00:00Z".
std::string now_text(const char* format, bool utc);

}  // namespace briefing::text
