#pragma once

#include "bounce/bouncereport.h"
#include "bounce/parsedmessage.h"
#include "transcript/transcript.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace smtpscope::ui {

/// One bounce message of a document: the parsed message and what the bounce decoder read from it.
struct BounceMessage
{
    core::ParsedMessage parsed;
    core::BounceReport report;
    int firstLine = 1; ///< 1-based line range of the message in the document's text (single files and pastes)
    int lastLine = 0;
};

/// Something opened in the workbench: a transcript or log, one or more bounce messages, or the reason it
/// could not be shown. Built off the GUI thread by DocumentLoader and then only read.
struct Document
{
    enum class Kind { Transcript, Bounce, Unrecognised, Error };

    Kind kind = Kind::Error;
    QString title; ///< file name, or "Pasted text 1"
    QString path; ///< empty for pasted text
    QString error; ///< for Error and Unrecognised: the reason, readable
    qint64 byteSize = 0;
    QByteArray bytes; ///< the text as read (line ends kept); empty for folders
    QList<qint64> lineStarts; ///< byte offset of each line; line N (1-based) starts at lineStarts[N - 1]
    core::Transcript transcript;
    int firstFailingSession = -1; ///< the first session with a 4xx/5xx reply, -1 when none
    QList<int> secretLines; ///< lines of AUTH exchanges whose credentials the source view masks, ascending
    QString sourceText; ///< the whole text for the source view, credentials masked; empty above wholeSourceLimit
    QList<BounceMessage> messages;

    int lineCount() const { return int(lineStarts.size()); }
    /// Above this size the source view shows a window of lines (the current session or message) only.
    static constexpr qint64 wholeSourceLimit = 4 << 20;

    /// Lines first..last (1-based, inclusive) as text, without the final line end, credentials masked.
    QString lines(int first, int last) const;
    /// The line (1-based) that holds byte @p offset.
    int lineAt(qint64 offset) const;
    /// "Transcript (swaks): 2 sessions, 9 steps", "Bounce: 2 recipients", …; cached by the loader.
    QString summary() const;
    QString cachedSummary; ///< set by the loader, so that views never count 500,000 steps
};

using DocumentPtr = std::shared_ptr<const Document>;

/// What a text is, judged by its content.
enum class ContentKind { Message, Transcript, Unknown };

/// Message when @p head (the first bytes of a text) starts like an RFC 5322 message or an mbox (header
/// fields, among them ones every message carries); Unknown otherwise, for the transcript reader to try.
ContentKind sniffContent(const QByteArray &head);

/// @p line with a trailing credential (base64 AUTH payload, password) replaced by "[redacted]".
QString maskCredential(const QString &line);

/// Offsets of the line starts of @p bytes (LF, CRLF and CR-only line ends).
QList<qint64> indexLines(const QByteArray &bytes);

} // namespace smtpscope::ui

Q_DECLARE_METATYPE(smtpscope::ui::DocumentPtr)
