#pragma once

#include <QByteArray>

namespace smtpscope::core {

struct ParsedMessage;

namespace mime {

class Walker;

/// The fast path of MessageParser: reads plain, well-formed MIME straight from @p bytes (line ends normalised)
/// into @p message, with the results the GMime walk gives. Returns false, leaving the message to GMime, for
/// anything it does not take.
bool parseFast(const QByteArray &bytes, ParsedMessage &message, Walker &walker);

} // namespace mime

} // namespace smtpscope::core
