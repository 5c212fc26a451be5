// PLACEHOLDER (to be replaced by the normalise work): NFKC only.
#include "normalise/normalise.hpp"

#include "text/utf8.hpp"

namespace briefing {

struct Normaliser::Tables {};

Normaliser::Normaliser(std::unique_ptr<const Tables> tables) : tables_(std::move(tables)) {}
Normaliser::~Normaliser() = default;
Normaliser::Normaliser(Normaliser&&) noexcept = default;
Normaliser& Normaliser::operator=(Normaliser&&) noexcept = default;

Normaliser Normaliser::load(const std::filesystem::path&) {
    return Normaliser(std::make_unique<const Tables>());
}

std::string Normaliser::operator()(std::string_view written) const { return text::nfkc(written); }

}  // namespace briefing
