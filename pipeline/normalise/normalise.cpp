#include "normalise/normalise.hpp"

#include <opencc/opencc.h>

#include <stdexcept>

#include "normalise/rules.hpp"
#include "normalise/tables.hpp"

namespace briefing {
namespace {

// Owns one OpenCC converter. Converting does not modify it, so one instance
// is shared by every thread using the Normaliser.
class Simplifier {
public:
    Simplifier() {
        // A bare name is looked up in OpenCC's own data directory; the full
        // Debian path is the fallback for builds configured elsewhere.
        handle_ = opencc_open("t2s.json");
        if (handle_ == reinterpret_cast<opencc_t>(-1)) handle_ = opencc_open("/usr/share/opencc/t2s.json");
        if (handle_ == reinterpret_cast<opencc_t>(-1))
            throw std::runtime_error(std::string("OpenCC: cannot open t2s.json: ") + opencc_error());
    }
    ~Simplifier() { opencc_close(handle_); }
    Simplifier(const Simplifier&) = delete;
    Simplifier& operator=(const Simplifier&) = delete;

    std::string operator()(const std::string& s) const {
        // Only text with characters from U+3000 up can change; skip the rest.
        bool cjk = false;
        for (unsigned char c : s)
            if (c >= 0xE3) {
                cjk = true;
                break;
            }
        if (!cjk) return s;
        char* converted = opencc_convert_utf8(handle_, s.data(), s.size());
        if (converted == nullptr)
            throw std::runtime_error(std::string("OpenCC conversion failed: ") + opencc_error());
        std::string out(converted);
        opencc_convert_utf8_free(converted);
        return out;
    }

private:
    opencc_t handle_;
};

}  // namespace

struct Normaliser::Tables {
    normalise_detail::Tables tables;
    Simplifier simplify;
};

Normaliser::Normaliser(std::unique_ptr<const Tables> tables) : tables_(std::move(tables)) {}
Normaliser::~Normaliser() = default;
Normaliser::Normaliser(Normaliser&&) noexcept = default;
Normaliser& Normaliser::operator=(Normaliser&&) noexcept = default;

Normaliser Normaliser::load(const std::filesystem::path& data_dir) {
    auto t = std::make_unique<Tables>();
    t->tables = normalise_detail::load_tables(data_dir);
    return Normaliser(std::move(t));
}

std::vector<std::string> Normaliser::rule_names() {
    std::vector<std::string> names = {"forms"};
    for (const auto& r : normalise_detail::ordered_rules()) names.emplace_back(r.name);
    return names;
}

std::string Normaliser::apply_rule(std::string_view name, std::string_view text) const {
    if (name == "forms") return tables_->simplify(normalise_detail::fold_width(tables_->tables, text));
    for (const auto& r : normalise_detail::ordered_rules())
        if (name == r.name) return r.apply(tables_->tables, std::string(text));
    throw std::invalid_argument("unknown normalise rule \"" + std::string(name) + "\"");
}

// Forms first, so that every rule sees ASCII digits and simplified text.
std::string Normaliser::operator()(std::string_view written) const {
    std::string s = tables_->simplify(normalise_detail::fold_width(tables_->tables, written));
    for (const auto& r : normalise_detail::ordered_rules()) s = r.apply(tables_->tables, s);
    return s;
}

}  // namespace briefing
