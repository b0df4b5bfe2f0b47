#pragma once

#include "bounce/messagesource.h"
#include "bounce/parsedmessage.h"

namespace smtpscope::core {

/// Parses one message with GMime into a ParsedMessage: header fields unfolded and decoded, the MIME tree
/// flattened depth-first, and the text decoded to Unicode for the parts that classification reads.
///
/// Decoded: text/plain and text/html that are not attachments (HTML roughly stripped to text), the report parts
/// (message/delivery-status, message/global-delivery-status, message/feedback-report, text/rfc822-headers,
/// message/global-headers) wherever they are, and the header fields of enclosed messages. Not decoded: other
/// attachments and the body of an enclosed message, unless that message is itself a report (a forwarded bounce).
/// Reentrant: messages may be parsed on several threads at once.
class MessageParser
{
public:
    static constexpr int maxDepth = 100; ///< deeper parts are skipped, with a note
    static constexpr qsizetype maxHeaderLength = 1 << 20; ///< longer header fields are cut, with a note
    static constexpr qsizetype maxTextLength = 8 << 20; ///< decoded text of one part beyond this is cut

    /// Parses @p raw, keeping its source, index and note.
    static ParsedMessage parse(const RawMessage &raw);

    /// Parses @p bytes (any line ends). Plain, well-formed MIME is read by a fast path of its own; everything
    /// else (and everything when SMTPSCOPE_GMIME_ONLY=1 is set) by GMime, with the same results.
    static ParsedMessage parse(const QByteArray &bytes, const QString &source = QString(), int index = 1);

    /// Parses @p bytes with GMime only, never the fast path (to check that both agree).
    static ParsedMessage parseWithGMime(const QByteArray &bytes, const QString &source = QString(), int index = 1);

    /// Text of an HTML document without its markup, roughly: tags dropped, block ends as line breaks,
    /// entities decoded, blank runs collapsed.
    static QString htmlToText(QStringView html);

private:
    static ParsedMessage parse(const QByteArray &bytes, const QString &source, int index, bool fastPath);
};

} // namespace smtpscope::core
