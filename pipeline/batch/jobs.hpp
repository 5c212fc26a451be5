// Batch jobs: which articles a batch renders, and which share of them is this
// machine's.
//
// A source is either
//   - a folder: every *.txt, *.md and *.markdown file under it, recursively
//     (hidden files and folders skipped), in sorted path order; or
//   - a job list (*.toml):
//       [defaults]              # optional
//       voice = "female"        # preset name or path
//       [[article]]
//       input = "inbox/a.txt"   # relative to the job list's folder
//       voice = "brisk"         # optional, overrides [defaults]
//       output = "other-out"    # optional output folder for this article
//     in the order given.
// Errors (missing source, malformed list) throw InputError naming the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace briefing {

struct Job {
    std::filesystem::path input;
    std::string key;                    // path relative to the source (stable across machines)
    std::string voice;                  // "" = the batch's --voice
    std::optional<std::filesystem::path> output;  // unset = the batch's --output
};

std::vector<Job> discover_jobs(const std::filesystem::path& source);

// One machine's share: index 0..count-1 of count.
struct Shard {
    std::uint32_t index = 0;
    std::uint32_t count = 1;
};

// Parses "K/N" (1-based K, as in "--shard 3/8"), "auto" (Slurm array job:
// SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT) or
// "auto/N" (Kubernetes Indexed Job: JOB_COMPLETION_INDEX of N). Throws
// std::invalid_argument with a message saying what is wrong.
Shard parse_shard(const std::string& spec);

// Whether `job` belongs to `shard`: a stable 64-bit FNV-1a hash of its key,
// modulo the count, so N machines sharing storage split a batch with no
// overlap and no coordination.
bool in_shard(const Job& job, const Shard& shard);

}  // namespace briefing
