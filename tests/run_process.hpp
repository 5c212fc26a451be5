// Runs the briefing binary for end-to-end tests: argv without a shell, stdin
// from a string, stdout and stderr captured, exit code returned.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace briefing::test {

struct Run {
    int code = -1;  // exit code, or 128 + signal
    std::string out;
    std::string err;
};

// An empty folder "<tmp>/<suite>/<name>", emptied first if it exists.
inline std::filesystem::path fresh_dir(const std::string& suite, const std::string& name) {
    const std::filesystem::path d = std::filesystem::temp_directory_path() / suite / name;
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs any program (argv[0] looked up in PATH; no shell) and returns its exit
// code and standard output. Used for ffprobe and python3 checks.
inline std::pair<int, std::string> run_program(const std::vector<std::string>& argv) {
    namespace fs = std::filesystem;
    const fs::path out = fs::temp_directory_path() / ("briefing_program_" + std::to_string(::getpid()));
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::string text = slurp(out.string());
    fs::remove(out);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

// Starts the binary in the background with output discarded; returns its pid.
inline pid_t spawn_briefing(const std::vector<std::string>& args) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        std::vector<char*> argv{const_cast<char*>(BRIEFING_BINARY)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(BRIEFING_BINARY, argv.data());
        ::_exit(127);
    }
    return pid;
}

// Waits for a spawned process; returns its exit code or 128 + signal.
inline int wait_briefing(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// `file_limit`: if not negative, the child's RLIMIT_FSIZE in bytes (a full disk).
inline Run run_briefing(const std::vector<std::string>& args, const std::string& input = "",
                        long file_limit = -1) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("briefing_run_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string in = (dir / "in").string(), out = (dir / "out").string(), err = (dir / "err").string();
    std::ofstream(in, std::ios::binary) << input;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(::open(in.c_str(), O_RDONLY), 0);
        ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
        ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
        if (file_limit >= 0) {
            const rlimit lim{static_cast<rlim_t>(file_limit), static_cast<rlim_t>(file_limit)};
            ::setrlimit(RLIMIT_FSIZE, &lim);
        }
        std::vector<char*> argv{const_cast<char*>(BRIEFING_BINARY)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(BRIEFING_BINARY, argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    fs::remove_all(dir);
    return r;
}

}  // namespace briefing::test
