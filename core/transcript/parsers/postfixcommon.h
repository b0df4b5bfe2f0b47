#pragma once

#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

/// "postfix/smtp[123]: rest" split into its parts (after the syslog wrapper was removed). The views
/// point into the line that was parsed.
struct PostfixLine
{
    bool ok = false;
    QStringView daemon; ///< "smtp", "lmtp", "qmgr", …
    QStringView pid;
    QStringView queueId; ///< empty when the line carries none
    QStringView rest; ///< the text after "QID: " (or after "pid]: " when there is no queue id)
};

/// Parses without regexes: it runs on every line of a mail log.
PostfixLine parsePostfixLine(QStringView text);

/// Reads a delivery line ("to=<a>, relay=…, dsn=…, status=bounced (host … said: … (in reply to RCPT TO
/// command))") or a "host … refused to talk to me" / "host … said:" line into an Outcome line.
/// @p timestamp is the line's timestamp as a string.
bool parsePostfixDelivery(const PostfixLine &p, const SourceLineView &src, ProtocolLine *out, const QString &timestamp);

/// Reads "Trusted TLS connection established to mx.example[192.0.2.1]:25: TLSv1.3 with cipher …" (the rest of an
/// smtp/lmtp line) into a TlsStarted event whose text is the protocol and cipher; @p peer gets the peer as
/// written ("mx.example[192.0.2.1]:25"). False for any other line.
bool parsePostfixTls(
    QStringView rest, const SourceLineView &src, const QString &timestamp, ProtocolLine *out, QString *peer = nullptr);

} // namespace smtpscope::core::parsers
