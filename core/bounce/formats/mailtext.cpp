#include "bounce/formats/mailtext.h"
#include "bounce/formats/regexmatch.h"

#include <algorithm>

namespace smtpscope::core::bounce {

QString headerValue(const HeaderList &headers, QStringView name)
{
    // (Names of different lengths never compare equal: the length test spares most comparisons.)
    for (const auto &h : headers) {
        if (equalsCi(name, h.first))
            return h.second;
    }
    return {};
}

QStringList headerValues(const HeaderList &headers, QStringView name)
{
    QStringList out;
    for (const auto &h : headers) {
        if (equalsCi(name, h.first))
            out.append(h.second);
    }
    return out;
}

namespace {

// Splits at LF, CRLF or CR; with @p stopAfter >= 0, stops after the first blank line past that many lines.
QStringList splitLinesUntilBlank(QStringView text, qsizetype stopAfter)
{
    QStringList lines;
    qsizetype start = 0;
    const qsizetype n = text.size();
    for (qsizetype i = lineEnd(text, 0); i < n; i = lineEnd(text, i + 1)) {
        const QChar c = text[i];
        const QStringView line = text.mid(start, i - start);
        lines.append(line.toString());
        if (stopAfter >= 0 && lines.size() > stopAfter && line.trimmed().isEmpty())
            return lines;
        if (c == u'\r' && i + 1 < n && text[i + 1] == u'\n')
            ++i;
        start = i + 1;
    }
    if (start < n)
        lines.append(text.mid(start).toString());
    return lines;
}

} // namespace

QStringList splitLines(QStringView text)
{
    return splitLinesUntilBlank(text, -1);
}

QStringList splitLinesToBlank(QStringView text, qsizetype from)
{
    return splitLinesUntilBlank(text, from);
}

HeaderList parseHeaderFields(QStringView text, std::initializer_list<QLatin1StringView> names)
{
    // The rules of parseHeaderBlock() over the lines of splitLinesToBlank(), which it reads up to the first
    // blank line; only the named fields are kept, so a continuation line of another field is dropped with it.
    HeaderList headers;
    bool haveField = false; ///< parseHeaderBlock()'s list would not be empty
    bool keepingLast = false; ///< its last field is one of the named ones, headers.last()
    const qsizetype n = text.size();
    qsizetype pos = 0;
    for (bool firstLine = true; pos < n; firstLine = false) {
        const qsizetype end = lineEnd(text, pos);
        const QStringView line = text.mid(pos, end - pos);
        pos = end < n && text[end] == u'\r' && end + 1 < n && text[end + 1] == u'\n' ? end + 2 : end + 1;
        if (line.trimmed().isEmpty())
            break;
        if (line.front() == u' ' || line.front() == u'\t') {
            if (haveField && keepingLast)
                headers.last().second += u' ' + line.trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0) {
            if (firstLine)
                continue; // a leading "From " line of an mbox copy
            break;
        }
        const QStringView name = line.left(colon).trimmed();
        bool valid = true;
        for (QChar c : name)
            valid = valid && c.unicode() > 32 && c.unicode() < 127;
        if (!valid)
            break;
        haveField = true;
        keepingLast
            = std::any_of(names.begin(), names.end(), [&](QLatin1StringView wanted) { return equalsCi(wanted, name); });
        if (keepingLast)
            headers.append({ name.toString(), line.mid(colon + 1).trimmed().toString() });
    }
    return headers;
}

HeaderList parseHeaderBlock(const QStringList &lines, qsizetype first)
{
    HeaderList headers;
    for (qsizetype i = first; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (line.trimmed().isEmpty())
            break;
        if ((line.front() == u' ' || line.front() == u'\t')) {
            if (!headers.isEmpty())
                headers.last().second += u' ' + line.trimmed();
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0) {
            if (i == first)
                continue; // a leading "From " line of an mbox copy
            break;
        }
        const QStringView name = QStringView(line).left(colon).trimmed();
        bool valid = true;
        for (QChar c : name)
            valid = valid && c.unicode() > 32 && c.unicode() < 127;
        if (!valid)
            break;
        headers.append({ name.toString(), line.mid(colon + 1).trimmed() });
    }
    return headers;
}

const QRegularExpression &addressPattern()
{
    // Letters beyond ASCII are allowed for internationalised addresses; the domain needs a dot.
    thread_local const QRegularExpression re(
        QStringLiteral(R"([\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*@[\w-]+(?:\.[\w-]+)+)"),
        QRegularExpression::UseUnicodePropertiesOption);
    return re;
}

QString firstAddress(QStringView text)
{
    if (!text.contains(u'@'))
        return {}; // (every address has one: PCRE2 need not look)
    const QRegularExpressionMatch m = match(addressPattern(), text);
    if (!m.hasMatch())
        return {};
    QString a = m.captured(0);
    while (a.endsWith(u'.') || a.endsWith(u'-'))
        a.chop(1);
    return a;
}

QStringList addressList(QStringView text)
{
    QStringList out;
    if (!text.contains(u'@'))
        return out;
    auto it = globalMatch(addressPattern(), text);
    while (it.hasNext()) {
        QString a = it.next().captured(0);
        while (a.endsWith(u'.'))
            a.chop(1);
        if (!out.contains(a, Qt::CaseInsensitive))
            out.append(a);
    }
    return out;
}

QString headerParameter(QStringView value, QStringView parameter)
{
    // Parameters are "; name=value" or "; name="value""; names are case-insensitive.
    qsizetype pos = 0;
    while (true) {
        const qsizetype semi = value.indexOf(u';', pos);
        if (semi < 0)
            return {};
        pos = semi + 1;
        QStringView rest = value.mid(pos).trimmed();
        const qsizetype eq = rest.indexOf(u'=');
        if (eq <= 0)
            continue;
        if (rest.left(eq).trimmed().compare(parameter, Qt::CaseInsensitive) != 0)
            continue;
        QStringView v = rest.mid(eq + 1).trimmed();
        if (v.startsWith(u'"')) {
            const qsizetype close = v.indexOf(u'"', 1);
            return v.mid(1, close < 0 ? -1 : close - 1).toString();
        }
        const qsizetype end = v.indexOf(u';');
        return (end < 0 ? v : v.left(end)).trimmed().toString();
    }
}

} // namespace smtpscope::core::bounce
