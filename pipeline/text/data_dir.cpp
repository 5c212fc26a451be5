#include "text/data_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace briefing::text {

namespace fs = std::filesystem;

std::filesystem::path data_dir() {
    std::vector<fs::path> tried;
    if (const char* env = std::getenv("BRIEFING_DATA_DIR"); env && *env) tried.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        tried.push_back(exe.parent_path() / "data");
        tried.push_back(exe.parent_path().parent_path() / "share" / "briefing");
    }
    for (const auto& dir : tried)
        if (fs::is_directory(dir, ec)) return dir;
    std::string msg = "Briefing data directory not found; tried:";
    for (const auto& dir : tried) msg += " " + dir.string();
    throw std::runtime_error(msg + " (set BRIEFING_DATA_DIR)");
}

}  // namespace briefing::text
