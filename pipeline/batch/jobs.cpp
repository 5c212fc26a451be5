#include "batch/jobs.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include <toml++/toml.h>

#include "text/errors.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

bool is_article_file(const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".txt" || ext == ".md" || ext == ".markdown";
}

bool hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

std::vector<Job> discover_folder(const fs::path& dir) {
    std::vector<Job> jobs;
    std::error_code ec;
    auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) throw InputError(dir.string() + ": cannot list: " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw InputError(dir.string() + ": cannot list: " + ec.message());
        if (hidden(it->path())) {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec) && is_article_file(it->path()))
            jobs.push_back({it->path(), it->path().lexically_relative(dir).generic_string(), "", std::nullopt});
    }
    std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.key < b.key; });
    return jobs;
}

std::string string_key(const toml::table& t, const char* key, const std::string& where, const std::string& fallback) {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_string()) throw InputError(where + ": " + key + " must be a string");
    return n->as_string()->get();
}

std::vector<Job> discover_list(const fs::path& file) {
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        throw InputError(file.string() + ": malformed TOML at line " + std::to_string(e.source().begin.line) + ": " +
                         std::string(e.description()));
    }
    const fs::path base = file.parent_path();
    std::string default_voice;
    if (const auto* d = root.get_as<toml::table>("defaults")) default_voice = string_key(*d, "voice", file.string(), "");
    const auto* list = root.get_as<toml::array>("article");
    if (!list) throw InputError(file.string() + ": no [[article]] entries");
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = file.string() + ": article " + std::to_string(i + 1);
        const auto* t = list->get(i)->as_table();
        if (!t) throw InputError(where + " is not a table");
        const std::string input = string_key(*t, "input", where, "");
        if (input.empty()) throw InputError(where + ": input is missing");
        Job job{base / input, fs::path(input).lexically_normal().generic_string(),
                string_key(*t, "voice", where, default_voice), std::nullopt};
        const std::string out = string_key(*t, "output", where, "");
        if (!out.empty()) job.output = base / out;
        jobs.push_back(std::move(job));
    }
    return jobs;
}

std::uint32_t parse_number(const std::string& s, const std::string& what) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9)
        throw std::invalid_argument(what + " must be a whole number, not '" + s + "'");
    return static_cast<std::uint32_t>(std::stoul(s));
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

std::vector<Job> discover_jobs(const fs::path& source) {
    std::error_code ec;
    if (fs::is_directory(source, ec)) return discover_folder(source);
    if (!fs::exists(source, ec)) throw InputError(source.string() + ": no such file or folder");
    if (source.extension() == ".toml") return discover_list(source);
    return {{source, source.filename().string(), "", std::nullopt}};
}

Shard parse_shard(const std::string& spec) {
    Shard s;
    if (spec == "auto") {
        const std::string id = env("SLURM_ARRAY_TASK_ID"), count = env("SLURM_ARRAY_TASK_COUNT");
        if (id.empty() || count.empty())
            throw std::invalid_argument("--shard auto needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
                                        "(for a Kubernetes Indexed Job use --shard auto/N)");
        const std::string min = env("SLURM_ARRAY_TASK_MIN");
        const std::uint32_t first = min.empty() ? 0 : parse_number(min, "SLURM_ARRAY_TASK_MIN");
        const std::uint32_t task = parse_number(id, "SLURM_ARRAY_TASK_ID");
        if (task < first) throw std::invalid_argument("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN");
        s = {task - first, parse_number(count, "SLURM_ARRAY_TASK_COUNT")};
    } else if (spec.rfind("auto/", 0) == 0) {
        const std::string index = env("JOB_COMPLETION_INDEX");
        if (index.empty()) throw std::invalid_argument("--shard auto/N needs JOB_COMPLETION_INDEX");
        s = {parse_number(index, "JOB_COMPLETION_INDEX"), parse_number(spec.substr(5), "the shard count")};
    } else {
        const std::size_t slash = spec.find('/');
        if (slash == std::string::npos) throw std::invalid_argument("--shard takes K/N, auto or auto/N");
        const std::uint32_t k = parse_number(spec.substr(0, slash), "K in --shard K/N");
        s = {k - 1, parse_number(spec.substr(slash + 1), "N in --shard K/N")};
        if (k == 0) throw std::invalid_argument("K in --shard K/N counts from 1");
    }
    if (s.count == 0 || s.index >= s.count)
        throw std::invalid_argument("shard " + std::to_string(s.index + 1) + " of " + std::to_string(s.count) +
                                    " does not exist");
    return s;
}

bool in_shard(const Job& job, const Shard& shard) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a: tiny, stable across platforms and versions
    for (unsigned char c : job.key) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h % shard.count == shard.index;
}

}  // namespace briefing
