// WordPress's dates and the canonical datetime. WordPress sends *_gmt fields as UTC without a zone
// ("2024-05-01T10:00:00") and takes date_gmt in the same form; the canonical form carries an offset.
#pragma once

#include <optional>
#include <string>

namespace scratch::wordpress {

// "2024-05-01T10:00:00" (a *_gmt value) -> "2024-05-01T10:00:00Z"; anything else -> nullopt.
std::optional<std::string> gmt_to_canonical(const std::string& wp_gmt);

// A canonical datetime with any offset ("2024-05-01T12:00:00+02:00", "...Z", fractions allowed; a bare date
// is midnight UTC) -> WordPress's GMT form "2024-05-01T10:00:00"; nullopt when it does not parse. Seconds'
// fractions are dropped: WordPress keeps whole seconds.
std::optional<std::string> canonical_to_gmt(const std::string& datetime);

}  // namespace scratch::wordpress
