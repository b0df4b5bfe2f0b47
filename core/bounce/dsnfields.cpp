#include "bounce/dsnfields.h"
#include "bounce/formats/regexmatch.h"

#include <QRegularExpression>

namespace smtpscope::core {

using namespace Qt::StringLiterals;

namespace {

enum class Field {
    Other,
    // per-message
    OriginalEnvelopeId,
    ReportingMta,
    DsnGateway,
    ReceivedFromMta,
    ArrivalDate,
    PostfixQueueId,
    PostfixSender,
    OriginalMessageId,
    // per-recipient
    OriginalRecipient,
    FinalRecipient,
    ActualRecipient,
    Action,
    Status,
    RemoteMta,
    DiagnosticCode,
    LastAttemptDate,
    WillRetryUntil,
    FinalLogId,
};

struct FieldName
{
    QLatin1StringView name;
    Field field;
};

// clang-format off
const FieldName kFieldNames[] = {
    { "original-envelope-id"_L1, Field::OriginalEnvelopeId },
    { "reporting-mta"_L1, Field::ReportingMta },
    { "dsn-gateway"_L1, Field::DsnGateway },
    { "received-from-mta"_L1, Field::ReceivedFromMta },
    { "arrival-date"_L1, Field::ArrivalDate },
    { "x-postfix-queue-id"_L1, Field::PostfixQueueId },
    { "x-postfix-sender"_L1, Field::PostfixSender },
    { "x-original-message-id"_L1, Field::OriginalMessageId },
    { "original-recipient"_L1, Field::OriginalRecipient },
    { "final-recipient"_L1, Field::FinalRecipient },
    { "x-actual-recipient"_L1, Field::ActualRecipient },
    { "action"_L1, Field::Action },
    { "status"_L1, Field::Status },
    { "remote-mta"_L1, Field::RemoteMta },
    { "diagnostic-code"_L1, Field::DiagnosticCode },
    { "last-attempt-date"_L1, Field::LastAttemptDate },
    { "will-retry-until"_L1, Field::WillRetryUntil },
    { "final-log-id"_L1, Field::FinalLogId },
};
// clang-format on

Field fieldOf(QStringView name)
{
    for (const FieldName &f : kFieldNames) {
        if (bounce::equalsCi(f.name, name))
            return f.field;
    }
    return Field::Other;
}

bool isPerRecipient(Field f)
{
    return f >= Field::OriginalRecipient;
}

bool isPerMessage(Field f)
{
    return f != Field::Other && f < Field::OriginalRecipient;
}

// A field line starts with a name of letters, digits and hyphens followed by a colon.
qsizetype fieldNameLength(QStringView line)
{
    if (line.isEmpty() || !line.front().isLetter())
        return -1;
    qsizetype i = 0;
    while (i < line.size() && (line[i].isLetterOrNumber() || line[i] == u'-' || line[i] == u'_'))
        ++i;
    qsizetype j = i;
    while (j < line.size() && (line[j] == u' ' || line[j] == u'\t'))
        ++j;
    if (j < line.size() && line[j] == u':' && i <= 64)
        return i;
    return -1;
}

QString unescapeUtf8Address(const QString &text)
{
    // RFC 6533 utf-8-addr-xtext: "\x{HEX}" stands for one Unicode code point.
    thread_local const QRegularExpression escape(QStringLiteral(R"(\\x\{([0-9A-Fa-f]{1,6})\})"));
    if (!text.contains(QLatin1String("\\x{")))
        return text;
    QString out;
    qsizetype last = 0;
    auto it = bounce::globalMatch(escape, text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        const char32_t cp = m.captured(1).toUInt(nullptr, 16);
        out += QString::fromUcs4(&cp, 1);
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

QString cleanAddress(QString value)
{
    value = value.trimmed();
    // "Name <a@b>" or "<a@b>": keep what is inside the brackets.
    const qsizetype open = value.indexOf(u'<');
    if (open >= 0) {
        const qsizetype close = value.indexOf(u'>', open + 1);
        value = close > open ? value.mid(open + 1, close - open - 1) : value.mid(open + 1);
    }
    // A trailing comment: "a@b (Kijitora)".
    const qsizetype paren = value.indexOf(u'(');
    if (paren > 0)
        value.truncate(paren);
    value = value.trimmed();
    while (value.endsWith(u'>') || value.endsWith(u';') || value.endsWith(u','))
        value.chop(1);
    if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"') && !value.contains(u'@'))
        value = value.mid(1, value.size() - 2);
    return value.trimmed();
}

// "mx.example.org. (192.0.2.10, the server for the domain example.org.)", "[192.0.2.1]",
// "mx.example.jp (TCP|…)": the host name alone.
DsnTypedValue hostValue(const QString &text)
{
    DsnTypedValue v = DsnFields::typedValue(text, false);
    QString host = v.value.section(u' ', 0, 0, QString::SectionSkipEmpty);
    const qsizetype paren = host.indexOf(u'(');
    if (paren > 0)
        host.truncate(paren);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    while (host.endsWith(u'.') || host.endsWith(u';') || host.endsWith(u','))
        host.chop(1);
    v.value = host;
    return v;
}

QString statusOf(const QString &value)
{
    thread_local const QRegularExpression code(QStringLiteral(R"((?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]))"));
    const QRegularExpressionMatch m = bounce::match(code, value);
    return m.hasMatch() ? m.captured(0) : value.trimmed();
}

// True when simplified() would return @p s unchanged: no white space but single inner spaces.
bool isSimplified(QStringView s)
{
    bool previousSpace = true; // a leading space needs simplifying
    for (QChar c : s) {
        const bool space = c.isSpace();
        if (space && (previousSpace || c != u' '))
            return false;
        previousSpace = space;
    }
    return !previousSpace || s.isEmpty();
}

struct Reader
{
    DsnFields out;
    DsnRecipientFields current;
    bool inRecipient = false;
    bool currentHas[int(Field::FinalLogId) + 1] = {};

    void closeRecipient()
    {
        if (inRecipient && !current.fields.isEmpty())
            out.recipients.append(std::move(current));
        current = DsnRecipientFields();
        inRecipient = false;
        std::fill(std::begin(currentHas), std::end(currentHas), false);
    }

    void add(const QString &name, const QString &value)
    {
        const Field f = fieldOf(name);
        if (isPerRecipient(f)) {
            // A repeated recipient field means a new group began without a blank line.
            if (inRecipient && currentHas[int(f)])
                closeRecipient();
            inRecipient = true;
            currentHas[int(f)] = true;
            current.fields.append({ name, value });
            setRecipientField(f, value);
        } else if (isPerMessage(f) || !inRecipient) {
            out.message.fields.append({ name, value });
            setMessageField(f, value);
        } else {
            current.fields.append({ name, value });
        }
    }

    void setRecipientField(Field f, const QString &value)
    {
        DsnRecipientFields &r = current;
        switch (f) {
        case Field::OriginalRecipient:
            r.originalRecipient = DsnFields::typedValue(value, true);
            break;
        case Field::FinalRecipient:
            r.finalRecipient = DsnFields::typedValue(value, true);
            break;
        case Field::ActualRecipient:
            r.actualRecipient = DsnFields::typedValue(value, true);
            break;
        case Field::Action: {
            // "failed (bad destination mailbox address)": the first word is the action.
            const QString v = value.trimmed().toLower();
            qsizetype end = 0;
            while (end < v.size() && v.at(end) >= u'a' && v.at(end) <= u'z')
                ++end;
            r.action = v.left(end);
            break;
        }
        case Field::Status:
            r.status = statusOf(value);
            break;
        case Field::RemoteMta:
            r.remoteMta = hostValue(value);
            break;
        case Field::DiagnosticCode:
            r.diagnosticCode = DsnFields::typedValue(value, false);
            break;
        case Field::LastAttemptDate:
            r.lastAttemptDate = value.trimmed();
            break;
        case Field::WillRetryUntil:
            r.willRetryUntil = value.trimmed();
            break;
        case Field::FinalLogId:
            r.finalLogId = value.trimmed();
            break;
        default:
            break;
        }
    }

    void setMessageField(Field f, const QString &value)
    {
        DsnMessageFields &m = out.message;
        auto setOnce = [](QString &target, const QString &v) {
            if (target.isEmpty())
                target = v.trimmed();
        };
        auto setTypedOnce = [](DsnTypedValue &target, const QString &v, bool address) {
            if (target.isEmpty())
                target = DsnFields::typedValue(v, address);
        };
        switch (f) {
        case Field::OriginalEnvelopeId:
            setOnce(m.originalEnvelopeId, value);
            break;
        case Field::ReportingMta:
            if (m.reportingMta.isEmpty())
                m.reportingMta = hostValue(value);
            break;
        case Field::DsnGateway:
            setTypedOnce(m.dsnGateway, value, false);
            break;
        case Field::ReceivedFromMta:
            if (m.receivedFromMta.isEmpty())
                m.receivedFromMta = hostValue(value);
            break;
        case Field::ArrivalDate:
            setOnce(m.arrivalDate, value);
            break;
        case Field::PostfixQueueId:
            setOnce(m.postfixQueueId, value);
            break;
        case Field::PostfixSender:
            setTypedOnce(m.postfixSender, value, true);
            break;
        case Field::OriginalMessageId:
            setOnce(m.originalMessageId, value);
            break;
        default:
            break;
        }
    }
};

} // namespace

QString DsnRecipientFields::recipient() const
{
    if (!finalRecipient.isEmpty())
        return finalRecipient.value;
    if (!originalRecipient.isEmpty())
        return originalRecipient.value;
    return actualRecipient.value;
}

QString DsnRecipientFields::field(QStringView name) const
{
    for (const auto &f : fields) {
        if (name.compare(f.first, Qt::CaseInsensitive) == 0)
            return f.second;
    }
    return {};
}

DsnTypedValue DsnFields::typedValue(QStringView text, bool address)
{
    DsnTypedValue v;
    QStringView rest = text.trimmed();
    // The type is an atom before the first ';' ("rfc822", "utf-8", "smtp", "X-Postfix").
    const qsizetype semi = rest.indexOf(u';');
    if (semi > 0) {
        const QStringView type = rest.left(semi).trimmed();
        bool atom = !type.isEmpty() && type.size() <= 32;
        for (QChar c : type)
            atom = atom && (c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u'.');
        // An address never has a bare ';' before its '@', so "rfc822;a@b" and "rfc822 ; a@b" both split.
        if (atom && !(address && type.contains(u'@'))) {
            v.type = type.toString().toLower();
            rest = rest.mid(semi + 1).trimmed();
        }
    }
    QString value = rest.toString();
    if (address) {
        value = cleanAddress(value);
        if (v.type == u"utf-8")
            value = unescapeUtf8Address(value);
    }
    v.value = value;
    return v;
}

QDateTime DsnFields::parseDate(QStringView text)
{
    // Remove comments ("(CET)", "(PST)") and fold white space before handing it to Qt's RFC 2822 reader.
    QString s;
    if (text.contains(u'(')) {
        s.reserve(text.size());
        int depth = 0;
        for (QChar c : text) {
            if (c == u'(')
                ++depth;
            else if (c == u')' && depth > 0)
                --depth;
            else if (!depth)
                s += c;
        }
    } else {
        s = text.toString(); // (without a '(' the loop above keeps every character)
    }
    s = s.simplified();
    if (s.isEmpty())
        return {};
    struct Zone
    {
        const char *name;
        const char *offset;
    };
    static const Zone zones[]
        = { { "GMT", "+0000" }, { "UTC", "+0000" }, { "UT", "+0000" }, { "Z", "+0000" }, { "EST", "-0500" },
              { "EDT", "-0400" }, { "CST", "-0600" }, { "CDT", "-0500" }, { "MST", "-0700" }, { "MDT", "-0600" },
              { "PST", "-0800" }, { "PDT", "-0700" }, { "JST", "+0900" }, { "CET", "+0100" }, { "CEST", "+0200" } };
    const qsizetype lastSpace = s.lastIndexOf(u' ');
    if (lastSpace > 0) {
        const QString zone = s.mid(lastSpace + 1).toUpper();
        for (const Zone &z : zones) {
            if (zone == QLatin1StringView(z.name)) {
                s = s.left(lastSpace + 1) + QLatin1StringView(z.offset);
                break;
            }
        }
    }
    QDateTime dt = QDateTime::fromString(s, Qt::RFC2822Date);
    if (!dt.isValid()) {
        // "Thu, 29 Apr 2010 00:00:00" without a zone: read as UTC.
        dt = QDateTime::fromString(s + QLatin1String(" +0000"), Qt::RFC2822Date);
    }
    return dt;
}

DsnFields DsnFields::parse(QStringView text)
{
    Reader reader;
    QString name;
    QString value;
    bool haveField = false;
    bool blankSinceField = false;

    auto flush = [&] {
        if (haveField)
            reader.add(name, isSimplified(value) ? value : value.simplified());
        haveField = false;
    };

    qsizetype pos = 0;
    const qsizetype n = text.size();
    while (pos <= n) {
        const qsizetype end = pos < n ? bounce::lineEnd(text, pos) : pos;
        const QStringView line = text.mid(pos, end - pos);
        if (end < n && text[end] == u'\r' && end + 1 < n && text[end + 1] == u'\n')
            pos = end + 2;
        else
            pos = end + 1;

        if (line.trimmed().isEmpty()) {
            flush();
            blankSinceField = true;
            // A blank line ends a per-recipient group; the per-message group simply stops.
            reader.closeRecipient();
            if (end >= n)
                break;
            continue;
        }
        const bool indented = line.front() == u' ' || line.front() == u'\t';
        qsizetype nameLength = indented ? -1 : fieldNameLength(line);
        // "https://…" or "Note: …" wrapped out of a diagnostic is text, not a new field.
        if (nameLength > 0 && haveField && !blankSinceField && fieldOf(name) == Field::DiagnosticCode
            && fieldOf(line.left(nameLength)) == Field::Other
            && !line.startsWith(QLatin1String("x-"), Qt::CaseInsensitive))
            nameLength = -1;
        if (nameLength < 0) {
            // A folded line, or a diagnostic that wrapped without indentation.
            if (haveField && !blankSinceField) {
                value += u' ';
                value += line.trimmed();
            }
            continue;
        }
        flush();
        name = line.left(nameLength).toString();
        const qsizetype colon = line.indexOf(u':', nameLength);
        value = line.mid(colon + 1).trimmed().toString();
        haveField = true;
        blankSinceField = false;
    }
    flush();
    reader.closeRecipient();
    return std::move(reader.out);
}

} // namespace smtpscope::core
