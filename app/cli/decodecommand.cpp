#include "decodecommand.h"

#include "clicontext.h"
#include "textwriter.h"

#include "reply/decodingjson.h"
#include "reply/replydecoder.h"
#include "reply/replyparser.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace smtpscope::cli {

namespace {

using namespace smtpscope::core;

QString titled(const QString &code, const QString &title, const QString &meaning)
{
    return code + QStringLiteral("  ") + title + (meaning.isEmpty() ? QString() : QStringLiteral(". ") + meaning);
}

void writeText(QTextStream &out, const Decoding &d, const KnowledgeBase &kb)
{
    TextWriter w(out);
    for (const QString &line : d.reply.lines)
        w.heading(line.trimmed());
    if (d.replyCode)
        w.row(QStringLiteral("Reply code"),
            titled(QString::number(d.replyCode->code), d.replyCode->title, d.replyCode->meaning));
    else if (d.reply.code)
        w.row(QStringLiteral("Reply code"), QString::number(d.reply.code) + QStringLiteral("  not a standard code"));
    const EnhancedStatus &s = d.reply.status;
    if (s.isValid()) {
        if (d.statusClass)
            w.row(QStringLiteral("Class"), titled(QString::number(s.statusClass), d.statusClass->title, {}));
        if (d.subject)
            w.row(QStringLiteral("Subject"), titled(QString::number(s.subject), d.subject->title, {}));
        w.row(QStringLiteral("Detail"),
            d.enhancedCode ? titled(s.toString(), d.enhancedCode->title, d.enhancedCode->meaning)
                           : s.toString() + QStringLiteral("  not in the IANA registry"));
    }
    if (d.provider)
        w.row(QStringLiteral("Provider"), d.provider->name);
    if (d.rule)
        w.row(QStringLiteral("Rule"), d.rule->id + QStringLiteral(". ") + d.rule->meaning);

    const Classification &c = d.classification;
    const ReasonEntry *reason = kb.reason(c.reason);
    const ActionEntry *action = kb.action(c.action);
    w.row(QStringLiteral("Reason"),
        c.reason + (reason ? QStringLiteral(" (") + reason->title + QLatin1Char(')') : QString())
            + (c.hard ? QStringLiteral(", hard bounce") : QStringLiteral(", soft")));
    w.row(QStringLiteral("Action"),
        action ? action->title + QStringLiteral(" (") + c.action + QLatin1Char(')') : c.action);
    QString retry = c.retry;
    if (!c.schedule.isEmpty())
        retry += QStringLiteral(": after ") + c.schedule.join(QStringLiteral(", "));
    if (!c.giveUpAfter.isEmpty())
        retry += QStringLiteral("; treat as failed after ") + c.giveUpAfter;
    w.row(QStringLiteral("Retry"), retry);
    w.row(QStringLiteral("What to do"), c.advice);
    w.row(QStringLiteral("Evidence"), c.evidence.summary);
    for (const ReplyIssue &issue : d.issues)
        w.row(QStringLiteral("Note"), severityName(issue.severity) + QStringLiteral(": ") + issue.message);
    w.blank();
}

} // namespace

int runDecode(CliContext &context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Decode SMTP reply lines: what the codes mean, the reason, hard or soft, what to do, and "
                       "the evidence. The reply is read from the arguments, or from standard input when there "
                       "are none or the argument is '-'. Multi-line replies (550-... / 550 ...) are joined."));
    parser.addPositionalArgument(QStringLiteral("reply"),
        QStringLiteral("The reply text, e.g. \"550 5.1.1 User unknown\"."), QStringLiteral("[REPLY...]"));
    const QCommandLineOption host(QStringLiteral("host"),
        QStringLiteral("The remote host that sent the reply, to apply its provider's rules."), QStringLiteral("host"));
    const QCommandLineOption domain(QStringLiteral("domain"),
        QStringLiteral("The recipient's domain, to apply its provider's rules."), QStringLiteral("domain"));
    parser.addOption(host);
    parser.addOption(domain);
    int exitCode = ExitOk;
    if (!context.parse(parser, { QStringLiteral("text"), QStringLiteral("json") }, &exitCode))
        return exitCode;

    const auto kb = context.knowledgeBase(parser);
    if (!kb)
        return ExitInputError;

    QString input;
    const QStringList words = parser.positionalArguments();
    if (words.isEmpty() || words == QStringList { QStringLiteral("-") }) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return context.usageError(QStringLiteral("cannot read standard input"));
        input = QString::fromUtf8(in.readAll());
    } else {
        // Unquoted words of one reply arrive as separate arguments.
        input = words.join(QLatin1Char(' '));
    }

    const ReplyParseResult parsed = ReplyParser::parse(input);
    for (const ReplyIssue &e : parsed.errors)
        context.err() << "smtpscope-cli decode: " << e.message << '\n';
    if (parsed.replies.isEmpty()) {
        context.err() << "smtpscope-cli decode: no SMTP reply found in the input (a reply starts with a "
                         "three-digit code such as 550).\n";
        return ExitInputError;
    }

    const ReplyDecoder decoder(kb);
    const DecodeContext where { parser.value(host), parser.value(domain) };
    QJsonArray all;
    for (const Reply &reply : parsed.replies) {
        const Decoding d = decoder.decode(reply, where);
        if (context.format(parser) == QLatin1String("json"))
            all.append(decodingToJson(d));
        else
            writeText(context.out(), d, *kb);
    }
    if (context.format(parser) == QLatin1String("json")) {
        QJsonArray errors;
        for (const ReplyIssue &e : parsed.errors)
            errors.append(QJsonObject { { QStringLiteral("line"), e.line }, { QStringLiteral("message"), e.message } });
        const QJsonObject doc { { QStringLiteral("replies"), all }, { QStringLiteral("errors"), errors },
            { QStringLiteral("kb_version"), kb->version() } };
        context.out() << QJsonDocument(doc).toJson(QJsonDocument::Indented);
    }
    return parsed.errors.isEmpty() ? ExitOk : ExitInputError;
}

} // namespace smtpscope::cli
