#pragma once

#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

/// Reads one Exim log entry after its message id ("** addr R=… H=… : SMTP error from remote mail server
/// after RCPT TO:<addr>: 550-…\n550 …", "=> addr … C=\"250 …\"", "== addr … defer (-44) …") into an Outcome
/// line. Returns false for entries that are no delivery result (arrivals, Completed, TLS errors).
bool parseEximDelivery(const QString &entry, const SourceLine &src, ProtocolLine *out);

} // namespace smtpscope::core::parsers
