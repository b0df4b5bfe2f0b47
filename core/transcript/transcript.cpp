#include "transcript/transcript.h"

#include "transcript/asciitext.h"

#include <QSet>

namespace smtpscope::core {

QString findingSeverityName(Finding::Severity severity)
{
    switch (severity) {
    case Finding::Severity::Info:
        return QStringLiteral("info");
    case Finding::Severity::Warning:
        return QStringLiteral("warning");
    case Finding::Severity::Error:
        return QStringLiteral("error");
    }
    return {};
}

bool sameReply(const Reply &a, const Reply &b)
{
    return a.code == b.code && a.status == b.status && a.lines == b.lines && a.textLines == b.textLines
        && a.firstLine == b.firstLine && a.lastLine == b.lastLine && a.issues == b.issues;
}

QString phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Connect:
        return QStringLiteral("connect");
    case Phase::Greeting:
        return QStringLiteral("greeting");
    case Phase::Helo:
        return QStringLiteral("helo");
    case Phase::Tls:
        return QStringLiteral("tls");
    case Phase::Auth:
        return QStringLiteral("auth");
    case Phase::Mail:
        return QStringLiteral("mail");
    case Phase::Rcpt:
        return QStringLiteral("rcpt");
    case Phase::Data:
        return QStringLiteral("data");
    case Phase::Message:
        return QStringLiteral("message");
    case Phase::Quit:
        return QStringLiteral("quit");
    case Phase::Other:
        return QStringLiteral("other");
    }
    return {};
}

QString stepKindName(Step::Kind kind)
{
    switch (kind) {
    case Step::Kind::Connect:
        return QStringLiteral("connect");
    case Step::Kind::Greeting:
        return QStringLiteral("greeting");
    case Step::Kind::Command:
        return QStringLiteral("command");
    case Step::Kind::TlsStart:
        return QStringLiteral("tls-start");
    case Step::Kind::Auth:
        return QStringLiteral("auth");
    case Step::Kind::Data:
        return QStringLiteral("data");
    case Step::Kind::Event:
        return QStringLiteral("event");
    case Step::Kind::Close:
        return QStringLiteral("close");
    }
    return {};
}

QString tlsModeName(TlsInfo::Mode mode)
{
    switch (mode) {
    case TlsInfo::Mode::None:
        return QStringLiteral("none");
    case TlsInfo::Mode::StartTls:
        return QStringLiteral("starttls");
    case TlsInfo::Mode::Implicit:
        return QStringLiteral("implicit");
    }
    return {};
}

QString outcomeKindName(RecipientOutcome::Kind kind)
{
    switch (kind) {
    case RecipientOutcome::Kind::Accepted:
        return QStringLiteral("accepted");
    case RecipientOutcome::Kind::RejectedAtRcpt:
        return QStringLiteral("rejected-rcpt");
    case RecipientOutcome::Kind::RejectedAfterData:
        return QStringLiteral("rejected-data");
    case RecipientOutcome::Kind::Rejected:
        return QStringLiteral("rejected");
    case RecipientOutcome::Kind::Deferred:
        return QStringLiteral("deferred");
    }
    return {};
}

QString Step::command() const
{
    if (argument.isEmpty())
        return verb;
    if (verb.isEmpty())
        return argument;
    return verb + QLatin1Char(' ') + argument;
}

bool operator==(const Step &a, const Step &b)
{
    return a.kind == b.kind && a.verb == b.verb && a.argument == b.argument && a.note == b.note
        && sameReply(a.reply, b.reply) && a.phase == b.phase && a.firstLine == b.firstLine && a.lastLine == b.lastLine
        && a.timestamp == b.timestamp && a.pipelined == b.pipelined && a.messageSize == b.messageSize
        && a.findings == b.findings;
}

bool operator==(const RecipientOutcome &a, const RecipientOutcome &b)
{
    return a.recipient == b.recipient && sameReply(a.reply, b.reply) && a.kind == b.kind && a.step == b.step;
}

namespace {

// Applies one EHLO keyword with its parameters; returns false for words that are no keyword.
bool applyKeyword(Capabilities &caps, const QString &keyword, const QList<QStringView> &params)
{
    if (keyword == Ascii("SIZE")) {
        bool ok = false;
        const qint64 value = params.isEmpty() ? 0 : params.first().toLongLong(&ok);
        caps.size = ok ? value : 0;
    } else if (keyword == Ascii("PIPELINING")) {
        caps.pipelining = true;
    } else if (keyword == Ascii("STARTTLS")) {
        caps.startTls = true;
    } else if (keyword == Ascii("8BITMIME")) {
        caps.eightBitMime = true;
    } else if (keyword == Ascii("SMTPUTF8")) {
        caps.smtpUtf8 = true;
    } else if (keyword == Ascii("CHUNKING")) {
        caps.chunking = true;
    } else if (keyword == Ascii("DSN")) {
        caps.dsn = true;
    } else if (keyword == Ascii("ENHANCEDSTATUSCODES")) {
        caps.enhancedStatusCodes = true;
    } else if (keyword == Ascii("REQUIRETLS")) {
        caps.requireTls = true;
    } else if (keyword == Ascii("AUTH")) {
        for (const QStringView m : params) {
            const QString upper = m.toString().toUpper();
            if (!caps.authMechanisms.contains(upper))
                caps.authMechanisms.append(upper);
        }
    } else {
        static const QSet<QString> others { QStringLiteral("BINARYMIME"), QStringLiteral("DELIVERBY"),
            QStringLiteral("ETRN"), QStringLiteral("EXPN"), QStringLiteral("HELP"), QStringLiteral("VRFY"),
            QStringLiteral("ATRN"), QStringLiteral("MTRK"), QStringLiteral("NO-SOLICITING"),
            QStringLiteral("FUTURERELEASE"), QStringLiteral("LIMITS"), QStringLiteral("PRDR"),
            QStringLiteral("MT-PRIORITY"), QStringLiteral("BURL"), QStringLiteral("XCLIENT"),
            QStringLiteral("XFORWARD"), QStringLiteral("XEXCH50"), QStringLiteral("XRDST"), QStringLiteral("X-EXPS"),
            QStringLiteral("X-ANONYMOUSTLS"), QStringLiteral("X-LINK2STATE"), QStringLiteral("XSHADOW"),
            QStringLiteral("XSHADOWREQUEST"), QStringLiteral("XOORG"), QStringLiteral("XPROXYFROM"),
            QStringLiteral("SEND"), QStringLiteral("SOML"), QStringLiteral("SAML"), QStringLiteral("TURN"),
            QStringLiteral("CHECKPOINT"), QStringLiteral("ONEX"), QStringLiteral("XUSR"), QStringLiteral("VERB"),
            QStringLiteral("DELIVERBY") };
        return others.contains(keyword) || keyword.startsWith(u"X-");
    }
    return true;
}

Capabilities readEhloReply(const Reply &reply);

QList<QStringView> splitWords(QStringView text)
{
    return text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

// "KEYWORD p1 p2" as announced, the keyword upper-cased.
QString keywordLine(const QString &keyword, const QList<QStringView> &params)
{
    QString line = keyword;
    for (const QStringView p : params) {
        line += QLatin1Char(' ');
        line += p;
    }
    return line;
}

} // namespace

Capabilities Capabilities::fromEhloReply(const Reply &reply)
{
    // The sessions of one log or run mostly talk to the same server, which announces the same keywords
    // each time (one set before STARTTLS, one after): the last replies read are remembered (the result
    // depends on the text lines alone), and the sessions then share their lists.
    struct Known
    {
        QStringList textLines;
        Capabilities caps;
    };
    constexpr qsizetype kKnown = 4;
    thread_local QList<Known> known; // the most recent first
    for (qsizetype i = 0; i < known.size(); ++i) {
        if (known.at(i).textLines == reply.textLines) {
            if (i > 0)
                known.move(i, 0);
            return known.first().caps;
        }
    }
    if (known.size() == kKnown)
        known.removeLast();
    known.prepend({ reply.textLines, readEhloReply(reply) });
    return known.first().caps;
}

namespace {

Capabilities readEhloReply(const Reply &reply)
{
    Capabilities caps;
    caps.seen = true;
    if (reply.textLines.size() > 1) {
        for (qsizetype i = 1; i < reply.textLines.size(); ++i) {
            QStringView line = QStringView(reply.textLines.at(i)).trimmed();
            if (line.isEmpty())
                continue;
            // Old servers announce "AUTH=LOGIN PLAIN".
            QString authEquals;
            if (line.startsWith(u"AUTH=", Qt::CaseInsensitive)) {
                authEquals = line.toString();
                authEquals[4] = QLatin1Char(' ');
                line = authEquals;
            }
            QList<QStringView> words = splitWords(line);
            const QString keyword = words.takeFirst().toString().toUpper();
            applyKeyword(caps, keyword, words);
            caps.keywords.append(keywordLine(keyword, words));
        }
        return caps;
    }
    // Flattened onto one line (Exchange logs, pasted HTML): keywords follow the greeting words.
    const QList<QStringView> words
        = reply.textLines.isEmpty() ? QList<QStringView>() : splitWords(reply.textLines.first());
    QString keyword;
    QList<QStringView> params;
    auto flush = [&] {
        if (!keyword.isEmpty()) {
            applyKeyword(caps, keyword, params);
            caps.keywords.append(keywordLine(keyword, params));
        }
        keyword.clear();
        params.clear();
    };
    for (const QStringView w : words) {
        const QString upper = w.toString().toUpper();
        Capabilities probe;
        if (upper != Ascii("HELLO") && applyKeyword(probe, upper, {})) {
            flush();
            keyword = upper;
        } else if (!keyword.isEmpty()) {
            params.append(w);
        }
    }
    flush();
    return caps;
}

} // namespace

void registerTranscriptMetaTypes()
{
    qRegisterMetaType<Finding>();
    qRegisterMetaType<Step>();
    qRegisterMetaType<Capabilities>();
    qRegisterMetaType<TlsInfo>();
    qRegisterMetaType<RecipientOutcome>();
    qRegisterMetaType<Session>();
    qRegisterMetaType<Transcript>();
}

} // namespace smtpscope::core
