#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace smtpscope::core {

/// One line of the input after outer wrappers were removed, with its original line number.
struct SourceLine
{
    int number = 0; ///< 1-based line number in the original input
    QString text; ///< the line without line ending and outer wrappers; tabs become spaces
    QString timestamp; ///< the timestamp of a stripped syslog/journald prefix
    QString host; ///< the host of a stripped syslog prefix
    bool wrapperOnly = false; ///< the line was nothing but wrapping (a markdown code fence)
};

/// A SourceLine as views into text kept elsewhere (a decoded chunk of a large input, or a SourceLine's
/// own strings): what the line-by-line dialect streams read, without a string of its own per line.
struct SourceLineView
{
    int number = 0;
    QStringView text;
    QStringView timestamp;
    QStringView host;
    bool wrapperOnly = false;

    SourceLineView() = default;
    SourceLineView(const SourceLine &l) // NOLINT(google-explicit-constructor): a view of it
        : number(l.number)
        , text(l.text)
        , timestamp(l.timestamp)
        , host(l.host)
        , wrapperOnly(l.wrapperOnly)
    { }
    SourceLine toSourceLine() const
    {
        return SourceLine { number, text.toString(), timestamp.toString(), host.toString(), wrapperOnly };
    }
};

/// The input as lines, or why it is not text.
struct StrippedText
{
    QList<SourceLine> lines;
    QStringList wrappers; ///< which wrappers were removed ("syslog", "markdown-quote", "html", …)
    QString error; ///< set when the input is not text (binary data)
};

/// Removes what surrounds a transcript when it is pasted or logged: line endings (LF, CRLF, CR-only,
/// CRCRLF), HTML entities and <br>, markdown quotes, fences and backticks, docker-compose, syslog,
/// journald and RFC 3339 prefixes, tabs. Line numbers always refer to the original input.
class WrapperStripper
{
public:
    static StrippedText strip(const QByteArray &bytes);
    static StrippedText strip(const QString &text);
    /// Splits into lines without removing anything but line endings and terminal overwrites.
    static QList<SourceLine> splitLines(const QString &text);
    /// strip(@p text) as views into @p text, when nothing but syslog/journald/RFC 3339 prefixes and markdown
    /// fences is to be removed (the common case of a large log: no tab, HTML, quoting, backticks or docker
    /// prefixes); the lines are numbered from 1 as strip() numbers them. Returns false (and leaves @p lines
    /// empty) when strip() must do the work.
    static bool stripToViews(const QString &text, QList<SourceLineView> *lines);
    /// True when the bytes look binary (NUL bytes or many control characters).
    static bool looksBinary(const QByteArray &bytes);
};

} // namespace smtpscope::core
