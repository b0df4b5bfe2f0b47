#include "bounce/formats/textscanner.h"

#include "bounce/formats/bounceformats.h"
#include "bounce/formats/mailtext.h"
#include "bounce/formats/re2pattern.h"
#include "bounce/formats/regexmatch.h"
#include "reply/replyparser.h"

#include <QRegularExpression>

#include <array>

namespace smtpscope::core::bounce {

namespace {

constexpr auto kCi = QRegularExpression::CaseInsensitiveOption;
constexpr auto kUnicode = QRegularExpression::UseUnicodePropertiesOption;

// The address part shared by the recipient line patterns (same as addressPattern()).
#define SMTPSCOPE_ADDR R"(([\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*@[\w-]+(?:\.[\w-]+)+))"

// A line that starts with the recipient: "<a@b>:", "  a@b", "* a@b", ">>> a@b <a@b>", "a@b on <date>",
// "a@b (expanded from <c@d>): …", "\"a@b\":". Group 1 is the address, group 2 what follows it.
const QRegularExpression &leadingAddressLine()
{
    thread_local const QRegularExpression re(
        QStringLiteral(R"(^\s*(?:[*•>-]+\s*|\d{1,3}[.)]\s+)?["'<]*)" SMTPSCOPE_ADDR R"(\.?["'>]*(.*)$)"),
        kCi | kUnicode);
    return re;
}

// What may follow the address on a recipient line; anything else reads as a sentence about it.
const QRegularExpression &leadingAddressRest()
{
    thread_local const QRegularExpression re(
        QStringLiteral(R"(^(?:\s*$|\s*[:.,;(\[<]|\s+on\s|\s*\.\.\.|\s+-+\s|\s+\S+@\S+\s*$))"), kCi);
    return re;
}

// Sendmail's "550 5.1.1 <a@b>... User unknown" (also "<<< 550 <a@b>: User unknown").
const QRegularExpression &codedAddressLine()
{
    thread_local const QRegularExpression re(
        QStringLiteral(R"(^\s*(?:<<<\s*)?[245]\d\d[ -](?:#?[245]\.\d{1,3}\.\d{1,3}\s+)?["'<]*)" SMTPSCOPE_ADDR
                       R"(["'>]*\s*(?:\.\.\.|:)\s*(.*)$)"),
        kCi | kUnicode);
    return re;
}

// A recipient named inside a sentence: "delivered to: <a@b>", "Recipient: <a@b>", "RCPT TO:<a@b>",
// "Unknown user: a@b", "rejected recipient <a@b>".
const QRegularExpression &inlineAddress()
{
    thread_local const QRegularExpression re(
        QStringLiteral(
            R"(\b(?:to|for|recipients?(?:\(s\))?|user|mailbox|addressee|rcpt\s+to|generated\s+by)\b\s*:?\s*["'<]*)" SMTPSCOPE_ADDR),
        kCi | kUnicode);
    return re;
}

// A recipient closing a sentence after a colon: "User mailbox exceeds allowed size: a@b".
const QRegularExpression &trailingAddress()
{
    thread_local const QRegularExpression re(
        QStringLiteral(R"(:\s*["'<]*)" SMTPSCOPE_ADDR R"(["'>]*\.?\s*$)"), kCi | kUnicode);
    return re;
}

// Summary lines that quote the original's header fields, not recipients of the report.
const QRegularExpression &headerLikeLine()
{
    thread_local const QRegularExpression re(
        QStringLiteral(
            R"(^\s*(?:from|to|cc|bcc|subject|date|sent|reply-to|return-path|sender|message-id|envelope-from|original sender)\s*:)"),
        kCi);
    return re;
}

// Decorations and section headings ("=====", "----- Transcript of session follows -----") end a paragraph.
const QRegularExpression &decorationLine()
{
    thread_local const QRegularExpression re(
        QStringLiteral(R"(^\s*(?:[-=*#_~|+]{3,}.*[-=*#_~|+]{3,}|[-=*#_~|+]{3,})\s*$)"));
    return re;
}

// A reply code where replies are written: at the start of a line (after transcript markers), or after
// "said:", "returned '", "]: ", "follows: [" and the like.
const QRegularExpression &replyStart()
{
    thread_local const QRegularExpression re(
        QStringLiteral(
            R"((?:^\s*(?:<<<|<-|Out:|S:|\*\*\*)?\s*|[:=>]\s*|\b(?:said|says|returned|replied|responded|answered|with|was|error|response)\s+)[\[('"#]?\s*([245]\d\d)(?![\d.,/])(?=[\s-]|:\s|$))"
            R"(|(?<=\s)([245]\d\d)(?=[ -]#?[245]\.\d{1,3}\.\d{1,3}\s))"),
        kCi);
    return re;
}

// Client commands in a transcript; a reply's text never continues onto them.
const QRegularExpression &commandLine()
{
    thread_local const QRegularExpression re(
        QStringLiteral(
            R"(^\s*(?:>>>|In:|C:|->)|^\s*(?:RCPT|MAIL|DATA|QUIT|RSET|EHLO|HELO|STARTTLS|AUTH)\b|^\s*(?:Giving up|I'm not going to try|\(Other MXes tried))"
            R"(|^\s*(?:\.\.\.\s*)?while\s+talking\s+to\b)"
            // Time-stamped transcripts ("Mon 2026-11-23 10:00:00.801: --> QUIT", "…: <-- 250 Ok").
            R"(|^[^<>]{0,48}?(?:-->|<--)\s)"),
        kCi);
    return re;
}

const QRegularExpression &statusPattern()
{
    thread_local const QRegularExpression re(QStringLiteral(R"((?<![\d.])#?([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]))"));
    return re;
}

} // namespace

// A reply code as replyStart() and codedAddressLine() find one: "[245]\d\d" after the start, white space or one
// of the characters their expressions allow right before the code (":=><-*[('\"#"), and before the end, white space,
// '-' or ':'. A cheap test that all their matches pass, so that most lines never reach PCRE2, and that dates, times
// and most numbers fail ("2024", "10:25").
bool TextScanner::mayHoldReplyCode(QStringView s)
{
    // (\s as codedAddressLine() reads it, with Unicode properties: a superset of the ASCII one.)
    const auto isSpace = [](char16_t c) { return QChar::isSpace(c) || c == u'\u180e'; };
    const qsizetype n = s.size();
    for (qsizetype i = 0; i + 2 < n; ++i) {
        const char16_t c = s[i].unicode();
        if ((c != u'2' && c != u'4' && c != u'5') || !s[i + 1].isDigit() || !s[i + 2].isDigit())
            continue;
        if (i > 0) {
            const char16_t before = s[i - 1].unicode();
            if (!isSpace(before) && !QStringView(u":=><-*[('\"#").contains(QChar(before)))
                continue;
        }
        if (i + 3 < n) {
            const char16_t after = s[i + 3].unicode();
            if (!isSpace(after) && after != u'-' && after != u':')
                continue;
        }
        return true;
    }
    return false;
}

namespace {

// Cheap tests that every match of a pattern passes, so that most lines never reach PCRE2.

// The characters reports draw rules and frames with.
bool isDecoration(QChar c)
{
    switch (c.unicode()) {
    case u'-':
    case u'=':
    case u'*':
    case u'#':
    case u'_':
    case u'~':
    case u'|':
    case u'+':
        return true;
    default:
        return false;
    }
}

// Three decoration characters in a row, which every decorationLine() match has.
bool hasDecorationRun(QStringView s)
{
    int run = 0;
    for (QChar c : s) {
        run = isDecoration(c) ? run + 1 : 0;
        if (run == 3)
            return true;
    }
    return false;
}

bool isBlankOrDecoration(const QString &line)
{
    return QStringView(line).trimmed().isEmpty()
        || (hasDecorationRun(line) && match(decorationLine(), line).hasMatch());
}

struct Anchor
{
    int line = 0;
    QString address;
    QString original;
    QString firstText; ///< the anchor line's own text that belongs to the segment
    bool inlineForm = false;
    bool coded = false; ///< Sendmail's "550 <a@b>... reason" summary line
};

// "While talking to mx.example.com:": a Sendmail transcript section for another host begins.
const QRegularExpression &hostSection()
{
    thread_local const QRegularExpression re(QStringLiteral(R"(^\s*(?:\.\.\.\s*)?while\s+talking\s+to\b)"), kCi);
    return re;
}

// The first character after the white space ("\\s" without Unicode properties) that starts a line, or 0.
char16_t firstNonSpace(QStringView line)
{
    for (QChar c : line) {
        switch (c.unicode()) {
        case u' ':
        case u'\t':
        case u'\n':
        case u'\v':
        case u'\f':
        case u'\r':
            continue;
        default:
            return c.unicode();
        }
    }
    return 0;
}

// A line that quotes a header field of the original ("Subject: Lunch"): never a recipient line nor a reason. Every
// headerLikeLine() match starts with one of these letters (case-insensitive) after white space; U+017F, the long s,
// matches "s" case-insensitively too.
bool isQuotedHeaderField(QStringView line)
{
    const char16_t first = firstNonSpace(line) | 0x20;
    return ((first < 128 && QByteArrayView("ftcbsdrmeo").contains(char(first))) || first == u'\u017f')
        && match(headerLikeLine(), line).hasMatch();
}

bool isHostSection(const QString &line)
{
    // "... while talking to" or "while talking to": nothing else can start a match.
    const char16_t c = firstNonSpace(line);
    return (c == u'.' || c == u'w' || c == u'W') && match(hostSection(), line).hasMatch();
}

// A line that starts with an enhanced status code ("5.2.2 <a@b>... Mailbox Full").
const QRegularExpression &statusLine()
{
    thread_local const QRegularExpression re(QStringLiteral(R"(^\s*#?[245]\.\d{1,3}\.\d{1,3}\s)"));
    return re;
}

QString cleanAddress(QString a)
{
    while (a.endsWith(u'.') || a.endsWith(u'-'))
        a.chop(1);
    return a;
}

bool ignored(const QString &address, const QStringList &ignore)
{
    return ignore.contains(address, Qt::CaseInsensitive);
}

QString expandedFrom(QStringView rest)
{
    thread_local const QRegularExpression re(
        QStringLiteral(R"(^\s*\((?:expanded|generated)\s+from:?\s*<?([^>)\s]+)>?\))"), kCi);
    const QRegularExpressionMatch m = match(re, rest);
    return m.hasMatch() ? m.captured(1) : QString();
}

QList<Anchor> findAnchors(const QStringList &lines, const QStringList &ignore)
{
    QList<Anchor> strong;
    QList<Anchor> weak;
    for (int i = 0; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (!line.contains(u'@'))
            continue;
        const QRegularExpression::MatchOptions options = subjectOptions(line);
        QRegularExpressionMatch m;
        if (TextScanner::mayHoldReplyCode(line))
            m = codedAddressLine().match(line, 0, QRegularExpression::NormalMatch, options);
        if (m.hasMatch()) {
            const QString a = cleanAddress(m.captured(1));
            if (!ignored(a, ignore))
                strong.append({ i, a, {}, line.trimmed(), false, true });
            continue;
        }
        m = leadingAddressLine().match(line, 0, QRegularExpression::NormalMatch, options);
        if (m.hasMatch() && match(leadingAddressRest(), m.captured(2)).hasMatch()) {
            QString a = cleanAddress(m.captured(1));
            QString rest = m.captured(2);
            // "a@b <c@d>: …": the bracketed address is the one the line is about (Exim).
            thread_local const QRegularExpression bracketed(
                QStringLiteral(R"(^\s+<)" SMTPSCOPE_ADDR R"(>)"), kCi | kUnicode);
            const QRegularExpressionMatch bm = match(bracketed, rest);
            if (bm.hasMatch()) {
                a = bm.captured(1);
                rest = rest.mid(bm.capturedEnd());
            }
            if (!ignored(a, ignore)) {
                const QString original = expandedFrom(rest);
                if (!original.isEmpty())
                    rest = rest.mid(rest.indexOf(u')') + 1);
                // "a@b on Thu, 29 Apr 2010 …" (Exchange): the date is not part of the diagnostic.
                thread_local const QRegularExpression onDate(QStringLiteral(R"(^\s+on\s+\w{3},?\s+\d)"), kCi);
                if (match(onDate, rest).hasMatch())
                    rest.clear();
                rest = rest.trimmed();
                while (rest.startsWith(u':') || rest.startsWith(u','))
                    rest = rest.mid(1).trimmed();
                strong.append({ i, a, original, rest, false });
            }
            continue;
        }
        if (isQuotedHeaderField(line))
            continue;
        m = inlineAddress().match(line, 0, QRegularExpression::NormalMatch, options);
        if (!m.hasMatch() && line.contains(u':')) // every trailingAddress() match starts with the colon
            m = trailingAddress().match(line, 0, QRegularExpression::NormalMatch, options);
        if (m.hasMatch()) {
            const QString a = cleanAddress(m.captured(1));
            if (!ignored(a, ignore)) {
                QString text = line;
                const qsizetype at = m.capturedStart(1);
                text.remove(at, m.capturedLength(1));
                // The brackets or quotes that held it (the expressions allow ", ' and <) go too: "Failed to
                // deliver to '<a@b>'" is "Failed to deliver to", not "Failed to deliver to ''".
                const auto pair = [](QChar open, QChar close) {
                    return (open == u'<' && close == u'>') || (open == close && (open == u'\'' || open == u'"'));
                };
                qsizetype k = 0; // the pairs around the address, innermost first: removed at once
                while (at - k - 1 >= 0 && at + k < text.size() && pair(text.at(at - k - 1), text.at(at + k)))
                    ++k;
                text.remove(at - k, 2 * k);
                weak.append({ i, a, {}, text.simplified(), true });
            }
        }
    }
    QList<Anchor> anchors = strong.isEmpty() ? weak : strong;
    // An address repeated on the next anchor line belongs to the same recipient block.
    QList<Anchor> out;
    for (const Anchor &a : anchors) {
        if (!out.isEmpty() && out.last().address.compare(a.address, Qt::CaseInsensitive) == 0
            && a.line - out.last().line <= 3)
            continue;
        out.append(a);
    }
    return out;
}

QString joinParagraph(const QStringList &lines)
{
    return lines.join(u' ').simplified();
}

// @p sentence without the decoration and quoting in front of it ("==== This is…", "> > The…", "・本…").
QStringView undecorated(QStringView sentence)
{
    qsizetype i = 0;
    while (i < sentence.size()
        && (sentence.at(i).isSpace() || isDecoration(sentence.at(i)) || sentence.at(i) == u'>'
            || sentence.at(i) == u'\u30FB'))
        ++i;
    return sentence.sliced(i);
}

bool isBoilerplate(QStringView sentence)
{
    Re2Pattern::Match m;
    return BounceSignals::instance().boilerplate().match(sentence, 0, &m) && m.start == 0;
}

} // namespace

QString TextScanner::withoutBoilerplate(const QString &input)
{
    // Quoted header fields of the original ("Subject: Lunch", "Date: …") say nothing about a recipient either.
    QString text;
    text.reserve(input.size());
    for (qsizetype start = 0; start < input.size();) {
        qsizetype end = input.indexOf(u'\n', start);
        end = end < 0 ? input.size() : end + 1;
        if (!isQuotedHeaderField(QStringView(input).sliced(start, end - start)))
            text += QStringView(input).sliced(start, end - start);
        start = end;
    }
    if (!hasDecorationRun(text) && !BounceSignals::instance().boilerplate().matches(text))
        return text.simplified();
    QStringList kept;
    const qsizetype n = text.size();
    const auto blankLineFollows = [&](qsizetype i) {
        qsizetype j = i + 1;
        while (j < n && (text.at(j) == u' ' || text.at(j) == u'\t' || text.at(j) == u'\r'))
            ++j;
        return j < n && text.at(j) == u'\n';
    };
    qsizetype start = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        // (a blank line, or a run of decorations, also ends one: "The mail system --- Delivery report unavailable")
        const bool end = QStringView(u"\u3002\uFF01\uFF1F").contains(c)
            || ((c == u'.' || c == u'!' || c == u'?' || c == u':') && (i + 1 == n || text.at(i + 1).isSpace()))
            || (i + 3 < n && text.at(i + 1) == text.at(i + 2) && text.at(i + 2) == text.at(i + 3)
                && isDecoration(text.at(i + 1)) && c.isSpace())
            || (c == u'\n' && blankLineFollows(i));
        if (!end && i + 1 < n)
            continue;
        const QStringView sentence = undecorated(QStringView(text).sliced(start, i + 1 - start)).trimmed();
        start = i + 1;
        if (!sentence.isEmpty() && !isBoilerplate(sentence))
            kept.append(sentence.toString().simplified());
    }
    return kept.join(u' ');
}

EnhancedStatus TextScanner::findStatus(QStringView text, int statusClass)
{
    // Every code has a class digit and a dot: without one, PCRE2 need not look.
    bool classDot = false;
    for (qsizetype i = 0; i + 1 < text.size() && !classDot; ++i) {
        const char16_t c = text[i].unicode();
        classDot = (c == u'2' || c == u'4' || c == u'5') && text[i + 1] == u'.';
    }
    if (!classDot)
        return {};
    auto it = globalMatch(statusPattern(), text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const EnhancedStatus s { m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt() };
        if (!statusClass || s.statusClass == statusClass)
            return s;
    }
    return {};
}

namespace {

TextReply readReplyUncached(QStringView input);

} // namespace

TextReply TextScanner::readReply(QStringView input)
{
    // The same diagnostic is read several times per message (by the scan, the DSN reader and classify): the
    // last few readings of this thread are kept. readReply depends on its input alone.
    struct Reading
    {
        bool used = false;
        QString input;
        TextReply reply;
    };
    thread_local std::array<Reading, 4> recent;
    thread_local size_t nextSlot = 0;
    for (const Reading &reading : recent) {
        if (reading.used && QStringView(reading.input) == input)
            return reading.reply;
    }
    TextReply reply = readReplyUncached(input);
    Reading &slot = recent[nextSlot];
    nextSlot = (nextSlot + 1) % recent.size();
    slot.used = true;
    slot.input = input.toString();
    slot.reply = reply;
    return reply;
}

namespace {

TextReply readReplyUncached(QStringView input)
{
    TextReply r;
    QString s = input.toString().simplified();
    // Quotes and brackets around a quoted reply: "'550 5.1.1 …'", "[550 5.1.1 User unknown]".
    QString closers;
    while (!s.isEmpty() && QStringView(u"'\"[(#<").contains(s.front())) {
        const QChar open = s.front();
        closers.prepend(open == u'[' ? u']' : open == u'(' ? u')' : open == u'<' ? u'>' : open);
        s.remove(0, 1);
    }
    if (s.size() > 4 && s.at(3) == u':' && s.at(0).isDigit())
        s.remove(3, 1); // "550: 5.1.1 …"
    ReplyLine line = ReplyParser::parseLine(s);
    // In a bounce, only 2xx to 5xx are SMTP replies; other numbers are exit statuses ("X-Unix; 127") and the like.
    if (!line.hasCode || line.code < 200 || line.code > 599)
        return r;
    // "450 450 4.2.2 …": the code written twice.
    if (line.text.startsWith(QString::number(line.code) + u' ') && !line.status.isValid()) {
        const ReplyLine again = ReplyParser::parseLine(line.text);
        if (again.hasCode && again.code == line.code)
            line = again;
    }
    // Sendmail wraps the remote reply in its own: "554 <a@b>... 550 Host unknown".
    thread_local const QRegularExpression wrapped(
        QStringLiteral(R"(^<?[^\s<>]+@[^\s<>]+?>?\.\.\.\s*(?=[245]\d\d[\s-]))"));
    const QRegularExpressionMatch inner
        = line.text.contains(u'@') ? match(wrapped, line.text) : QRegularExpressionMatch();
    if (inner.hasMatch()) {
        const TextReply innerReply = TextScanner::readReply(QStringView(line.text).mid(inner.capturedEnd()));
        if (innerReply.code)
            return innerReply;
    }
    r.code = line.code;
    r.status = line.status;
    QString text = line.text;
    // Codes repeated on folded continuation lines ("… 550-5.7.1 more text").
    const QString prefix = QString::number(r.code);
    thread_local const QRegularExpression repeated(
        QStringLiteral(R"((?:^|\s)([245]\d\d)[ -](?:#?[245]\.\d{1,3}\.\d{1,3}\s+)?)"));
    QString bare;
    qsizetype last = 0;
    // (Every match holds the code: most replies never repeat it, and PCRE2 need not look.)
    auto it = text.contains(prefix) ? globalMatch(repeated, text) : QRegularExpressionMatchIterator();
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (m.captured(1) != prefix)
            continue;
        // A fold repeats the code with '-' or with the status; "-> 550 <a@b>" is a relayed reply quoted inside.
        r.folded = r.folded || text.at(m.capturedEnd(1)) == u'-' || m.capturedEnd() > m.capturedEnd(1) + 1;
        bare += QStringView(text).mid(last, m.capturedStart() - last);
        bare += u' ';
        last = m.capturedEnd();
    }
    bare += QStringView(text).mid(last);
    bare = bare.simplified();
    for (QChar closer : std::as_const(closers)) {
        if (closer != u'#' && bare.endsWith(closer))
            bare.chop(1);
    }
    // A quoted reply followed by more text: "'550 5.1.1 not found'. Please check …".
    if (!closers.isEmpty() && (closers.front() == u'\'' || closers.front() == u'"')) {
        const qsizetype close = bare.indexOf(closers.front());
        if (close > 0)
            bare.truncate(close);
    }
    if (!r.status.isValid())
        r.status = TextScanner::findStatus(bare, r.code / 100);
    r.bareText = bare;
    r.text
        = QString::number(r.code) + (line.status.isValid() ? u' ' + line.status.toString() : QString()) + u' ' + bare;
    r.text = r.text.trimmed();
    return r;
}

} // namespace

const QRegularExpression &TextScanner::replyStartPattern()
{
    return replyStart();
}

const QRegularExpression &TextScanner::codedAddressPattern()
{
    return codedAddressLine();
}

TextReply TextScanner::findReply(const QStringList &lines, bool skipSuccess)
{
    for (int i = 0; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (!TextScanner::mayHoldReplyCode(line))
            continue;
        auto it = globalMatch(replyStart(), line);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            const int group = m.hasCaptured(1) ? 1 : 2;
            const int code = m.captured(group).toInt();
            if (skipSuccess && code < 400)
                continue;
            qsizetype start = m.capturedStart(group);
            if (start > 0 && QStringView(u"'\"[(").contains(line.at(start - 1)))
                --start; // keep the quote or bracket so that its closing partner is removed too
            QStringList parts { line.mid(start) };
            bool continues = line.size() > start + 3 && line.at(start + 3) == u'-';
            for (int j = i + 1; j < lines.size() && j < i + 10; ++j) {
                const QString &next = lines.at(j);
                if (isBlankOrDecoration(next) || match(commandLine(), next).hasMatch())
                    break;
                const ReplyLine pl = ReplyParser::parseLine(next);
                if (pl.hasCode && !(continues && pl.code == code))
                    break;
                continues = pl.hasCode && pl.continues;
                parts.append(next.trimmed());
            }
            TextReply r = readReply(parts.join(u' '));
            if (r.code)
                return r;
        }
    }
    return {};
}

bool TextScanner::isRemoteHost(const QString &host)
{
    const QString lower = host.toLower();
    if (lower == u"localhost" || lower.startsWith(u"127.") || lower.endsWith(u".local"))
        return false;
    // Words that look like host names in running text ("e.g.") are not hosts.
    return lower.contains(u'.');
}

// The host expressions, tried in turn. On RE2 rather than QRegularExpression for the reason given at
// commandPattern(); written as they were for PCRE2, without Unicode properties.
const std::array<Re2Pattern, 5> &TextScanner::remoteHostPatterns()
{
    constexpr int ascii = Re2Pattern::AsciiClasses;
    static const std::array<Re2Pattern, 5> patterns = {
        Re2Pattern(R"(\bhost[:\s]+([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\.?\s*\[)", ascii),
        Re2Pattern(R"(\b([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\.?\s*\[[0-9A-Fa-f.:]+\])",
            ascii | Re2Pattern::CaseSensitive),
        Re2Pattern(
            R"(\b(?:host|talking\s+to|server|MX)[:\s]+<?([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b)",
            ascii),
        Re2Pattern(R"(\b(?:remote\s+host|host|server|talking\s+to)\s+\[?(\d{1,3}(?:\.\d{1,3}){3})\]?)", ascii),
        Re2Pattern(R"((?:^|\s)(\d{1,3}(?:\.\d{1,3}){3})\s+does\s+not\s+like)", ascii),
    };
    return patterns;
}

QString TextScanner::findRemoteHost(QStringView text)
{
    const std::array<Re2Pattern, 5> &patterns = remoteHostPatterns();
    // One pass says which expressions match at all; most texts name no host.
    static const Re2PatternSet set({ &patterns[0], &patterns[1], &patterns[2], &patterns[3], &patterns[4] });
    const Re2Pattern::Text utf8(text);
    const quint64 matching = set.matching(utf8);
    Re2Pattern::Match m;
    for (size_t i = 0; i < patterns.size(); ++i) {
        if (!(matching & (quint64(1) << i)))
            continue;
        // (no pattern matches empty text)
        for (qsizetype from = 0; patterns[i].match(utf8, from, &m, 1); from = m.end) {
            if (isRemoteHost(m.groups.first()))
                return m.groups.first();
        }
    }
    return {};
}

// RE2, not QRegularExpression: its automaton reads a long report text once, where PCRE2 tried the alternation at
// every word that starts with one of its letters (a tenth of the decoder's time).
const Re2Pattern &TextScanner::commandPattern()
{
    static const Re2Pattern re(
        R"(\b(?:after|in\s+reply\s+to|did\s+not\s+like\s+our|most\s+progress\s+was|following|during|while\s+sending)\s+(?:the\s+)?(?:final\s+)?(RCPT(?:\s+TO)?|MAIL(?:\s+FROM)?|end\s+of\s+data|DATA|initial\s+connection|connect|HELO|EHLO|STARTTLS|AUTH)\b|\[(RCPT_TO|MAIL_FROM|DATA)\]|(?:>>>|-->|\bsent:)\s*(RCPT|MAIL|DATA|HELO|EHLO)|\bSMTP\s+command\s*[:-]*\s*(RCPT|MAIL|DATA|HELO|EHLO)\b|\bmy\s+name\s+was\s+(rejected))"
        R"(|\b(does\s+not\s+like\s+recipient|but\s+sender\s+was\s+rejected|failed\s+after\s+I\s+sent\s+the\s+message|but\s+greeting\s+failed)\b)",
        Re2Pattern::AsciiClasses);
    return re;
}

namespace {

// The command the words of commandPattern()'s groups 1 to 4 name ("rcpt to" is RCPT, "initial connection" CONN).
QString commandFromWords(const QString &words)
{
    const QString word = words.toUpper();
    if (word.startsWith(u"RCPT"))
        return QStringLiteral("RCPT");
    if (word.startsWith(u"MAIL"))
        return QStringLiteral("MAIL");
    if (word.contains(u"DATA"))
        return QStringLiteral("DATA");
    if (word.startsWith(u"INITIAL") || word == u"CONNECT")
        return QStringLiteral("CONN");
    return word;
}

} // namespace

QString TextScanner::findCommand(QStringView text)
{
    const Re2Pattern::Text utf8(text);
    Re2Pattern::Match m;
    bool found = false;
    for (qsizetype from = 0; commandPattern().match(utf8, from, &m, 6); from = m.end) {
        // "The following mail could not be delivered" names no command: a bare MAIL counts only when it is
        // followed by "command", punctuation or the end ("in reply to MAIL command", "after MAIL:").
        if (m.groups.at(0).compare(u"MAIL", Qt::CaseInsensitive) == 0) {
            const QStringView after = text.mid(m.end).trimmed();
            if (!after.isEmpty() && !after.startsWith(u"command", Qt::CaseInsensitive)
                && after.front().isLetterOrNumber())
                continue;
        }
        found = true;
        break;
    }
    if (!found)
        return {};
    return commandFromGroups(m.groups);
}

QString TextScanner::commandFromGroups(const QStringList &groups)
{
    // qmail: "Connected to 192.0.2.1 but my name was rejected." is the reply to HELO.
    if (!groups.value(4).isEmpty())
        return QStringLiteral("HELO");
    // qmail's other steps: "192.0.2.1 does not like recipient.", "Connected to 192.0.2.1 but sender was rejected.",
    // "192.0.2.1 failed after I sent the message.", "Connected to 192.0.2.1 but greeting failed."
    if (const QString qmail = groups.value(5); !qmail.isEmpty()) {
        if (qmail.startsWith(u"does", Qt::CaseInsensitive))
            return QStringLiteral("RCPT");
        if (qmail.contains(u"sender", Qt::CaseInsensitive))
            return QStringLiteral("MAIL");
        return qmail.startsWith(u"failed", Qt::CaseInsensitive) ? QStringLiteral("DATA") : QStringLiteral("CONN");
    }
    return commandFromWords(groups.value(0) + groups.value(1) + groups.value(2) + groups.value(3));
}

TextScanner::Result TextScanner::scan(QStringView text, const QStringList &ignore, bool findReportCommand)
{
    Result result;
    const QStringList lines = splitLines(text);
    // The envelope sender in a transcript (">>> MAIL From:<a@b>") or a summary of the envelope ("MAIL FROM: a@b")
    // is never a recipient, also when the server's refusal of it repeats the address ("<<< 501 <a@b>... no access").
    QStringList ignoring = ignore;
    // (The usual spellings first, case-sensitively: much cheaper than a case-insensitive search.)
    const auto mayNameMailFrom = [](QStringView t) {
        // (indexOf of one character is a vector search: much cheaper than testing every character here)
        for (qsizetype i = t.indexOf(u'M'); i >= 0; i = t.indexOf(u'M', i + 1)) {
            const QStringView rest = t.sliced(i);
            if (rest.startsWith(u"MAIL") || rest.startsWith(u"Mail From") || rest.startsWith(u"Mail from"))
                return true;
        }
        for (qsizetype i = t.indexOf(u'm'); i >= 0; i = t.indexOf(u'm', i + 1)) {
            if (t.sliced(i).startsWith(u"mail from"))
                return true;
        }
        return false;
    };
    if (mayNameMailFrom(text)) {
        for (const QString &line : lines) {
            // Also behind transcript markers and time stamps ("10:00:00.601: --> MAIL From:<a@b>").
            if (!mayNameMailFrom(line))
                continue;
            const qsizetype at = line.indexOf(u"MAIL FROM:", 0, Qt::CaseInsensitive);
            if (at < 0)
                continue;
            QStringView rest = QStringView(line).mid(at + 10).trimmed();
            const qsizetype open = rest.indexOf(u'<');
            const qsizetype close = open < 0 ? -1 : rest.indexOf(u'>', open);
            const QStringView address = open >= 0
                ? (close > open ? rest.mid(open + 1, close - open - 1) : QStringView())
                : rest.left(rest.indexOf(u' ') < 0 ? rest.size() : rest.indexOf(u' '));
            if (address.contains(u'@'))
                ignoring.append(address.toString());
        }
    }
    const QList<Anchor> anchors = findAnchors(lines, ignoring);

    const int firstAnchorLine = anchors.isEmpty() ? int(lines.size()) : anchors.first().line;
    {
        const QStringList pre = lines.mid(0, firstAnchorLine);
        result.preamble = pre.join(u'\n');
        result.preambleReply = findReply(pre);
        if (findReportCommand)
            result.command = findCommand(text);
    }

    for (qsizetype k = 0; k < anchors.size(); ++k) {
        const Anchor &a = anchors.at(k);
        const int end = k + 1 < anchors.size() ? anchors.at(k + 1).line : int(lines.size());

        // Paragraphs after the recipient, the anchor line's own text first.
        QList<QStringList> paragraphs;
        QStringList current;
        // (The recipient's own line opens the first paragraph: its words are never the report's boilerplate alone,
        // "Your message to <a@b> was automatically rejected:" goes on with the reason; withoutBoilerplate() drops
        // the opening.)
        const bool ownLine = !a.firstText.isEmpty();
        if (ownLine)
            current.append(a.firstText);
        // The report's own words after the recipients ("Please note that this is only a temporary failure report."):
        // nothing more about this recipient follows.
        const auto reportsOwn = [&](const QStringList &paragraph) {
            return !(paragraphs.isEmpty() && ownLine) && isBoilerplate(undecorated(paragraph.first()));
        };
        int gathered = 0;
        bool haveReply = false;
        TextReply firstParagraphReply; ///< findReply() of paragraphs.first(), when it was run
        bool haveFirstParagraphReply = false;
        for (int i = a.line + 1; i < end; ++i) {
            const QString &line = lines.at(i);
            if (isHostSection(line))
                break; // the transcript of another host begins
            if (isBlankOrDecoration(line)) {
                if (!current.isEmpty() && reportsOwn(current)) {
                    current.clear();
                    break;
                }
                if (!current.isEmpty()) {
                    paragraphs.append(current);
                    const TextReply paragraphReply = findReply(current);
                    haveReply = paragraphReply.code;
                    if (paragraphs.size() == 1) {
                        firstParagraphReply = paragraphReply;
                        haveFirstParagraphReply = true;
                    }
                    current.clear();
                    if (haveReply || ++gathered >= 3)
                        break;
                }
                continue;
            }
            current.append(line);
        }
        if (!current.isEmpty() && !haveReply && gathered < 3 && !reportsOwn(current))
            paragraphs.append(current);

        TextFinding f;
        f.recipient = a.address;
        f.originalRecipient = a.original;
        f.line = a.line;
        f.inlineMention = a.inlineForm;
        f.mention = lines.at(a.line).trimmed();
        QStringList all;
        for (const QStringList &p : paragraphs)
            all += p;
        // One paragraph: its lines are all, whose reply was found above.
        const TextReply reply
            = paragraphs.size() == 1 && haveFirstParagraphReply ? firstParagraphReply : findReply(all);
        if (reply.code) {
            f.replyCode = reply.code;
            f.status = reply.status;
            f.diagnostic = reply.text;
        } else {
            QStringList texts;
            for (const QStringList &p : paragraphs) {
                // A paragraph line that starts with an enhanced code is the reply, its code lost (GMX).
                for (qsizetype j = 0; j < p.size() && texts.isEmpty(); ++j) {
                    const char16_t first = firstNonSpace(p.at(j));
                    if ((first == u'#' || first == u'2' || first == u'4' || first == u'5')
                        && match(statusLine(), p.at(j)).hasMatch())
                        texts.append(joinParagraph(p.mid(j)));
                }
            }
            if (texts.isEmpty()) {
                for (const QStringList &p : paragraphs)
                    texts.append(joinParagraph(p));
            }
            f.diagnostic = withoutBoilerplate(texts.join(u"\n\n"));
            if (f.diagnostic.isEmpty()) {
                // Some MTAs put the reason above the address (Notes, EZweb): read back to a blank line.
                const int stop = k > 0 ? anchors.at(k - 1).line : -1;
                QStringList before;
                int i = a.line - 1;
                while (i > stop && lines.at(i).trimmed().isEmpty())
                    --i;
                // (A quoted header field of the original, "Date: …", is no reason.)
                for (; i > stop && before.size() < 3 && !isBlankOrDecoration(lines.at(i))
                     && !isQuotedHeaderField(lines.at(i));
                     --i)
                    before.prepend(lines.at(i));
                f.diagnostic = withoutBoilerplate(joinParagraph(before));
            }
            f.status = findStatus(f.diagnostic);
        }
        QString context = a.firstText + u'\n' + all.join(u'\n');
        if (a.coded) {
            // Sendmail writes the transcript ("While talking to host: >>> RCPT …") above its summary line.
            const int stop = k > 0 ? anchors.at(k - 1).line : -1;
            for (int i = a.line - 1; i > stop; --i) {
                if (isHostSection(lines.at(i))) {
                    context += u'\n' + lines.mid(i, a.line - i).join(u'\n');
                    // "554 <a@b>... Remote protocol error" only says the server answered something unexpected:
                    // the server's own reply ("<<< 550 …") in the transcript above is the diagnostic.
                    if (f.diagnostic.contains(u"protocol error", Qt::CaseInsensitive)) {
                        for (int j = a.line - 1; j > i; --j) {
                            const QString t = lines.at(j).trimmed();
                            if (!t.startsWith(u"<<<"))
                                continue;
                            const TextReply served = readReply(QStringView(t).mid(3));
                            if (served.code >= 400) {
                                f.replyCode = served.code;
                                f.status = served.status;
                                f.diagnostic = served.text;
                            }
                            break;
                        }
                    }
                    break;
                }
            }
        }
        f.remoteMta = findRemoteHost(context);
        f.command = findCommand(context);
        result.findings.append(f);
    }

    // The same recipient written twice (a summary and a transcript, or two languages): keep the most
    // informative block, at the position of the first.
    QList<TextFinding> merged;
    for (const TextFinding &f : std::as_const(result.findings)) {
        auto it = std::find_if(merged.begin(), merged.end(),
            [&](const TextFinding &m) { return m.recipient.compare(f.recipient, Qt::CaseInsensitive) == 0; });
        if (it == merged.end()) {
            merged.append(f);
            continue;
        }
        const auto score = [](const TextFinding &x) {
            return (x.replyCode ? 4 : 0) + (x.status.isValid() ? 2 : 0) + (x.diagnostic.isEmpty() ? 0 : 1);
        };
        if (score(f) > score(*it)) {
            const int line = it->line;
            const QString original = it->originalRecipient;
            *it = f;
            it->line = line;
            if (it->originalRecipient.isEmpty())
                it->originalRecipient = original;
        }
        if (it->remoteMta.isEmpty())
            it->remoteMta = f.remoteMta;
        if (it->command.isEmpty())
            it->command = f.command;
    }
    result.findings = merged;
    return result;
}

} // namespace smtpscope::core::bounce
#undef SMTPSCOPE_ADDR
