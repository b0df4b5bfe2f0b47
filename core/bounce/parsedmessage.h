#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace smtpscope::core {

/// One MIME part as the bounce decoder needs it: its type, its headers and, for the parts that
/// classification reads (text, delivery-status, headers of returned messages), its decoded text.
struct MimePart
{
    QString contentType; ///< lower case, "text/plain", "message/delivery-status", …
    QString charset; ///< as declared
    QString fileName;
    int depth = 0; ///< 0 for the top-level entity
    qint64 size = 0; ///< decoded size in bytes, when known
    QList<QPair<QString, QString>> headers; ///< the part's own header fields, unfolded and decoded
    /// Decoded to Unicode; empty for parts that were not decoded (attachments, bodies). For text/html, the markup
    /// itself: MessageParser::htmlToText() gives its words, for the readers that need them.
    QString text;
    int parent = -1; ///< index in ParsedMessage::parts of the enclosing multipart or message part; -1 at the top
    bool attachment = false; ///< Content-Disposition: attachment
    bool decoded = false; ///< text holds the decoded content (false: not read, see MessageParser)
    /// For message/rfc822, message/global, text/rfc822-headers and message/global-headers: the header fields of
    /// the enclosed (usually the returned) message, unfolded and decoded.
    QList<QPair<QString, QString>> messageHeaders;
};

/// A message read from a file, an mbox or a Maildir, parsed with GMime.
struct ParsedMessage
{
    QString source; ///< the path as given, joined with the path inside a folder
    int index = 0; ///< 1-based position in its container (1 for a single file)
    qint64 byteSize = 0;
    QList<QPair<QString, QString>> headers; ///< top-level header fields, unfolded, encoded words decoded
    QList<MimePart> parts; ///< depth-first order, the top-level entity first
    QString note; ///< why the message could not be read fully ("truncated multipart", …); empty when fine

    /// The first header field with this name (case-insensitive), or an empty string.
    QString header(QStringView name) const;
};

} // namespace smtpscope::core

Q_DECLARE_METATYPE(smtpscope::core::ParsedMessage)
