#include "reply/replyparser.h"

namespace smtpscope::core {

namespace {

bool isAsciiDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

QStringView skipBlanks(QStringView s)
{
    qsizetype i = 0;
    while (i < s.size() && isBlank(s.at(i)))
        ++i;
    return s.mid(i);
}

// Bounce diagnostics carry the reply behind a type ("smtp; 550 ..."), RFC 3464 §2.3.6.
QStringView stripDiagnosticType(QStringView s)
{
    // (The first letter decides cheaply for nearly every line before the case-insensitive comparison.)
    if (s.size() > 5 && (s.front() == u's' || s.front() == u'S')
        && s.first(5).compare(u"smtp;", Qt::CaseInsensitive) == 0)
        return skipBlanks(s.mid(5));
    return s;
}

QList<QStringView> splitLines(QStringView text)
{
    QList<QStringView> lines;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\n' || c == u'\r') {
            lines.append(text.mid(start, i - start));
            if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n')
                ++i;
            start = i + 1;
        }
    }
    if (start < text.size())
        lines.append(text.mid(start));
    return lines;
}

QString quoted(QStringView s)
{
    constexpr qsizetype shown = 60;
    return QLatin1Char('"') + (s.size() > shown ? s.first(shown).toString() + QStringLiteral("…") : s.toString())
        + QLatin1Char('"');
}

} // namespace

ReplyLineView ReplyParser::parseLineView(QStringView raw)
{
    ReplyLineView out;
    QStringView s = stripDiagnosticType(skipBlanks(raw));
    while (!s.isEmpty() && (s.back() == u'\r' || isBlank(s.back())))
        s.chop(1);

    const bool codeShape = s.size() >= 3 && isAsciiDigit(s.at(0)) && isAsciiDigit(s.at(1)) && isAsciiDigit(s.at(2))
        && s.at(0) >= u'1' && s.at(0) <= u'5' && (s.size() == 3 || isBlank(s.at(3)) || s.at(3) == u'-');
    if (!codeShape) {
        out.text = s;
        return out;
    }
    out.hasCode = true;
    out.code = (s.at(0).unicode() - u'0') * 100 + (s.at(1).unicode() - u'0') * 10 + (s.at(2).unicode() - u'0');
    out.continues = s.size() > 3 && s.at(3) == u'-';
    QStringView rest = skipBlanks(s.mid(std::min<qsizetype>(4, s.size())));

    qsizetype tokenEnd = 0;
    while (tokenEnd < rest.size() && !isBlank(rest.at(tokenEnd)))
        ++tokenEnd;
    QStringView token = rest.first(tokenEnd);
    const bool hash = token.startsWith(u'#');
    if (hash)
        token = token.mid(1);
    const EnhancedStatus status = EnhancedStatus::fromString(token);
    if (status.isValid()) {
        out.status = status;
        out.hashPrefixedStatus = hash;
        rest = skipBlanks(rest.mid(tokenEnd));
    }
    out.text = rest;
    return out;
}

ReplyLine ReplyParser::parseLine(QStringView raw)
{
    const ReplyLineView v = parseLineView(raw);
    ReplyLine out;
    out.hasCode = v.hasCode;
    out.code = v.code;
    out.continues = v.continues;
    out.status = v.status;
    out.hashPrefixedStatus = v.hashPrefixedStatus;
    out.text = v.text.toString();
    return out;
}

ReplyParseResult ReplyParser::parse(QStringView text, int firstLine)
{
    ReplyParseResult result;
    Reply current;
    bool haveCurrent = false;
    bool open = false; // the last line of the current reply was "DDD-"

    auto finish = [&] {
        if (!haveCurrent)
            return;
        if (open)
            current.issues.append({ ReplyIssue::Severity::Warning, current.lastLine,
                QStringLiteral("The reply ends with a continuation line (%1-): its final line is missing, so it "
                               "may be cut short.")
                    .arg(current.code) });
        if (current.status.isValid() && current.code && current.status.statusClass != current.replyClass())
            current.issues.append({ ReplyIssue::Severity::Warning, current.firstLine,
                QStringLiteral("Server inconsistency: the enhanced code %1 is of class %2 but the reply code %3 "
                               "is %4xx. RFC 3463 requires them to agree; the reply code decides whether to retry.")
                    .arg(current.status.toString())
                    .arg(current.status.statusClass)
                    .arg(current.code)
                    .arg(current.replyClass()) });
        result.replies.append(current);
        current = Reply();
        haveCurrent = false;
        open = false;
    };

    const QList<QStringView> lines = splitLines(text);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = firstLine + int(i);
        const QStringView raw = lines.at(i);
        if (raw.trimmed().isEmpty()) {
            finish();
            continue;
        }
        const ReplyLine line = parseLine(raw);
        if (!line.hasCode) {
            if (haveCurrent) {
                // Pasted replies are often wrapped by mail clients or terminals.
                current.lines.append(raw.toString());
                current.textLines.append(line.text);
                current.lastLine = lineNo;
                current.issues.append({ ReplyIssue::Severity::Info, lineNo,
                    QStringLiteral("Line %1 has no reply code; taken as a continuation of the reply above.")
                        .arg(lineNo) });
                continue;
            }
            result.errors.append({ ReplyIssue::Severity::Error, lineNo,
                QStringLiteral("Line %1: expected a three-digit reply code such as 550, found %2.")
                    .arg(lineNo)
                    .arg(quoted(raw.trimmed())) });
            continue;
        }
        if (haveCurrent && (!open || line.code != current.code))
            finish();
        if (!haveCurrent) {
            haveCurrent = true;
            current.code = line.code;
            current.firstLine = lineNo;
            if (line.code / 100 == 1 || line.code % 100 / 10 > 5)
                current.issues.append({ ReplyIssue::Severity::Warning, lineNo,
                    QStringLiteral("%1 is not a reply code RFC 5321 allows (first digit 2-5, second 0-5).")
                        .arg(line.code) });
        }
        if (line.status.isValid()) {
            if (!current.status.isValid())
                current.status = line.status;
            else if (line.status != current.status)
                current.issues.append({ ReplyIssue::Severity::Info, lineNo,
                    QStringLiteral("Line %1 carries the enhanced code %2, unlike %3 on the first line; the first "
                                   "one is used.")
                        .arg(lineNo)
                        .arg(line.status.toString(), current.status.toString()) });
            if (line.hashPrefixedStatus)
                current.issues.append({ ReplyIssue::Severity::Info, lineNo,
                    QStringLiteral("The enhanced code is written as #%1; RFC 3463 has no '#'.")
                        .arg(line.status.toString()) });
        }
        current.lines.append(raw.toString());
        current.textLines.append(line.text);
        current.lastLine = lineNo;
        open = line.continues;
    }
    finish();
    return result;
}

} // namespace smtpscope::core
