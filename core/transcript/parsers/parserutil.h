#pragma once

#include "transcript/asciitext.h"
#include "transcript/transcriptparser.h"
#include "util/asciicase.h"

#include <QRegularExpression>

#include <cstring>
#include <functional>
#include <optional>

namespace smtpscope::core::parsers {

/// @p t starts with the literal @p lit: what QStringView::startsWith(lit) answers, compared inline (length and
/// first character first): the rules of the log dialects test several literals on every line.
template<size_t N> inline bool startsWithLiteral(QStringView t, const char16_t (&lit)[N])
{
    constexpr qsizetype n = qsizetype(N) - 1;
    static_assert(n > 0);
    return t.size() >= n && t.front().unicode() == lit[0] && std::memcmp(t.utf16(), lit, size_t(n) * 2) == 0;
}

/// Where the literal @p lit first occurs in @p t at or after @p from (>= 0), or -1: what QStringView::indexOf(lit,
/// from) answers, without the set-up of a general substring search (the texts searched are short).
template<size_t N> inline qsizetype indexOfLiteral(QStringView t, const char16_t (&lit)[N], qsizetype from = 0)
{
    constexpr qsizetype n = qsizetype(N) - 1;
    static_assert(n > 0);
    const char16_t *d = t.utf16();
    for (qsizetype at = from; at + n <= t.size(); ++at)
        if (d[at] == lit[0] && std::memcmp(d + at, lit, size_t(n) * 2) == 0)
            return at;
    return -1;
}

/// "250 text", "250-text", "250": the shape of a server reply line (RFC 5321 §4.2).
bool isReplyLine(QStringView text);
/// The reply code of a reply-shaped line, 0 otherwise.
int replyCodeOf(QStringView text);
/// A line that starts with an SMTP command verb (any case).
bool isCommandLine(QStringView text);

/// Runs @p parser's parseInto() and collects what it streams (parse() of a streaming parser).
QList<ProtocolLine> collectLines(const TranscriptParser &parser, const QList<SourceLine> &lines);

/// True for a line with nothing to read: blank, or only wrapping (a markdown fence).
bool isBlankLine(const SourceLine &line);
bool isBlankLine(const SourceLineView &line);

/// One string for a run of equal texts (the timestamps of consecutive log lines): a line whose text is
/// that of the line before shares its string instead of allocating one.
class SharedText
{
public:
    const QString &operator()(QStringView text)
    {
        if (text != m_last || m_last.isNull() != text.isNull())
            m_last = text.toString();
        return m_last;
    }

private:
    QString m_last;
};

/// Appends a protocol line for @p source and returns it; a non-empty @p timestamp (the dialect's own)
/// replaces the one of a stripped wrapper.
ProtocolLine *appendLine(QList<ProtocolLine> &out, ProtocolLine::Kind kind, const SourceLine &source,
    const QString &text, const QString &timestamp = {});

/// Labels a line of a log dialect that is no entry of it: blank lines and other programs' lines of a
/// syslog file are noise, anything else is unknown (reported as unplaced). Nothing when @p isEntry.
std::optional<ProtocolLine> nonEntryLine(const SourceLine &source, bool isEntry);
/// As above, from views; @p timestamp is the line's timestamp as a string.
std::optional<ProtocolLine> nonEntryLine(const SourceLineView &source, bool isEntry, const QString &timestamp);

/// Counts sample lines that match @p re (searching, not anchored unless the pattern is).
int countMatching(const QList<SourceLine> &sample, const QRegularExpression &re, int stopAt = 1000);
/// Number of non-blank lines in the sample.
int contentLines(const QList<SourceLine> &sample);

/// Turns "count of signature lines" into a score: 0 below @p minimum, then rising to @p ceiling.
int scoreFromCount(int count, int minimum, int base, int ceiling);

/// Undoes a Python repr: quotes, b prefix, \r \n \t \\ \' \" \xNN \uNNNN (bytes decoded as UTF-8).
QString unescapePython(QStringView repr);

/// Splits a multi-line reply that was flattened onto one line ("250-a250-b250 c" or "250-a 250-b 250 c")
/// at each repetition of its own code; returns the line unchanged when it is not such a reply.
QStringList resplitFlattenedReply(const QString &line);

/// Builds a reply from lines that all come from one source line (logs, flattened text).
Reply replyFromLines(const QStringList &lines, int sourceLine);

/// Joins log entries that a paste hard-wrapped: a non-blank line that is no entry itself, right after an
/// entry, is appended to it (with a space when it was indented, directly when the wrap split a word).
/// With @p minWrappedLength, only a physical line at least that long can have been wrapped (a terminal
/// wraps full lines), so short entries keep the lines after them. Returns the entries; the joined
/// continuation lines are appended to @p joined.
QList<SourceLine> unwrapEntries(const QList<SourceLine> &lines, const std::function<bool(const SourceLine &)> &isEntry,
    QList<SourceLine> *joined, qsizetype minWrappedLength = 0);

/// Tracks who speaks in a transcript without direction markers (telnet, JavaMail, sendmail -v):
/// reply-shaped lines are the server's, except inside DATA (after 354, until ".").
class DirectionTracker
{
public:
    enum class Role { Server, Command, Body, AuthData, Other };
    Role classify(QStringView text);
    bool inData() const { return m_inData; }

private:
    bool m_inData = false;
    bool m_afterChallenge = false;
};

/// Labels an unprefixed line by who speaks (DirectionTracker): a reply is the server's; a command, a body
/// line or AUTH data the client's; anything else Unknown.
ProtocolLine::Kind kindByDirection(DirectionTracker &direction, QStringView text);

} // namespace smtpscope::core::parsers
