#include "transcriptcommand.h"

#include "clicontext.h"
#include "resultsummary.h"

#include "reply/replydecoder.h"
#include "transcript/transcriptjson.h"
#include "transcript/transcriptreader.h"
#include "util/domain.h"

namespace smtpscope::cli {

namespace {

using namespace smtpscope::core;

QString elided(const QString &text, int width)
{
    return text.size() <= width ? text : text.left(width - 1) + QStringLiteral("…");
}

QString capabilitiesText(const Capabilities &c)
{
    QStringList parts;
    if (c.size >= 0)
        parts << (c.size > 0 ? QStringLiteral("SIZE %1").arg(c.size) : QStringLiteral("SIZE (no limit)"));
    if (c.pipelining)
        parts << QStringLiteral("PIPELINING");
    if (c.startTls)
        parts << QStringLiteral("STARTTLS");
    if (!c.authMechanisms.isEmpty())
        parts << QStringLiteral("AUTH ") + c.authMechanisms.join(QLatin1Char(' '));
    if (c.eightBitMime)
        parts << QStringLiteral("8BITMIME");
    if (c.smtpUtf8)
        parts << QStringLiteral("SMTPUTF8");
    if (c.chunking)
        parts << QStringLiteral("CHUNKING");
    if (c.dsn)
        parts << QStringLiteral("DSN");
    if (c.enhancedStatusCodes)
        parts << QStringLiteral("ENHANCEDSTATUSCODES");
    if (c.requireTls)
        parts << QStringLiteral("REQUIRETLS");
    return parts.join(QStringLiteral(", "));
}

Classification outcomeClassification(const RecipientOutcome &o, const Session &s, const ReplyDecoder &decoder)
{
    return decoder.decode(o.reply, { s.server, addressDomain(o.recipient) }).classification;
}

/// A recipient's outcome as the summary counts it: refusals are failures, deferrals delays.
SummaryEntry summaryEntry(const RecipientOutcome &o, const Classification &c)
{
    const QString domain = addressDomain(o.recipient);
    SummaryEntry e;
    e.reason = c.reason;
    e.hard = c.hard;
    e.receiver = SummaryEntry::receiverName(registrableDomain(domain), domain);
    switch (o.kind) {
    case RecipientOutcome::Kind::Accepted:
        e.action = QStringLiteral("delivered");
        break;
    case RecipientOutcome::Kind::Deferred:
        e.action = QStringLiteral("delayed");
        break;
    default:
        e.action = QStringLiteral("failed");
    }
    return e;
}

/// Counts a session's outcomes in @p summary, decoding each.
void countSession(ResultSummary &summary, const Session &s, const ReplyDecoder &decoder)
{
    summary.addUnit(!s.outcomes.isEmpty());
    for (const RecipientOutcome &o : s.outcomes)
        summary.add(summaryEntry(o, outcomeClassification(o, s, decoder)));
}

/// Writes one session; with @p summary, also counts its outcomes there (from the same decoding).
void writeSessionText(
    QTextStream &out, qsizetype number, const Session &s, const ReplyDecoder &decoder, ResultSummary *summary)
{
    out << "\nSession " << number << "  " << (s.client.isEmpty() ? QStringLiteral("?") : s.client) << " -> "
        << (s.server.isEmpty() ? QStringLiteral("?") : s.server);
    if (!s.peer.isEmpty() && s.peer != s.server)
        out << " (" << s.peer << ')';
    out << ", TLS " << tlsModeName(s.tls.mode);
    if (!s.tls.detail.isEmpty())
        out << " (" << elided(s.tls.detail, 60) << ')';
    out << ", lines " << s.firstLine << '-' << s.lastLine << '\n';
    if (s.capabilities.seen)
        out << "  Capabilities: " << capabilitiesText(s.capabilities) << '\n';
    for (qsizetype i = 0; i < s.steps.size(); ++i) {
        const Step &step = s.steps.at(i);
        QString what = step.command();
        if (what.isEmpty())
            what = step.note;
        const QString lines = QStringLiteral("%1-%2").arg(step.firstLine).arg(step.lastLine);
        out << "  " << QString::number(i).rightJustified(3) << "  " << lines.leftJustified(9) << ' '
            << stepKindName(step.kind).leftJustified(9) << ' ' << elided(what, 44).leftJustified(44);
        if (step.hasReply())
            out << "  " << elided(QString(step.reply.codeLabel() + QLatin1Char(' ') + step.reply.text()).trimmed(), 60);
        if (!step.findings.isEmpty())
            out << "  [!]";
        out << '\n';
    }
    if (!s.findings.isEmpty()) {
        out << "  Findings:\n";
        for (const Finding &f : s.findings)
            out << "    " << findingSeverityName(f.severity).leftJustified(8)
                << (f.step >= 0 ? QStringLiteral("step %1  ").arg(f.step) : QString()) << f.text << '\n';
    }
    if (summary)
        summary->addUnit(!s.outcomes.isEmpty());
    if (!s.outcomes.isEmpty()) {
        out << "  Recipients:\n";
        for (const RecipientOutcome &o : s.outcomes) {
            const Classification c = outcomeClassification(o, s, decoder);
            if (summary)
                summary->add(summaryEntry(o, c));
            out << "    " << o.recipient.leftJustified(32) << ' ' << outcomeKindName(o.kind).leftJustified(14) << ' '
                << o.reply.codeLabel().leftJustified(10) << ' ' << c.reason
                << (c.hard ? QStringLiteral(", hard") : QStringLiteral(", soft")) << '\n';
        }
    }
}

/// What follows the sessions: the lines no session took, and the count (last, since sessions stream out).
void writeTextTail(QTextStream &out, const Transcript &t, qsizetype sessions)
{
    if (!t.unplaced.isEmpty()) {
        out << "\nUnplaced lines (" << t.unplaced.size() << "):\n";
        for (const UnplacedLine &u : t.unplaced)
            out << "  " << QString::number(u.line).rightJustified(5) << ": " << elided(u.text, 100) << '\n';
    }
    out << '\n' << t.source << ": " << sessions << (sessions == 1 ? " session" : " sessions") << "\n\n";
}

} // namespace

int runTranscript(CliContext &context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read SMTP transcripts and mail logs (swaks, PHPMailer, smtplib, Postfix, Exim, telnet…, detected by "
        "content) as conversations: each step with its reply, protocol findings, and what happened to each "
        "recipient. Use '-' to read standard input. JSON output is one object per file and line."));
    parser.addPositionalArgument(QStringLiteral("file"),
        QStringLiteral("Transcript or log files; '-' for standard input."), QStringLiteral("FILE..."));
    const QCommandLineOption summaryOption(QStringLiteral("summary"),
        QStringLiteral("After all files, count the recipients' outcomes by reason and by receiver (the recipient's "
                       "registrable domain). Goes to standard output with --format text, else to standard error."));
    parser.addOption(summaryOption);
    int exitCode = ExitOk;
    if (!context.parse(parser, { QStringLiteral("text"), QStringLiteral("json") }, &exitCode))
        return exitCode;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return context.usageError(QStringLiteral("no file given (use '-' for standard input)"));
    if (files.count(QStringLiteral("-")) > 1)
        return context.usageError(QStringLiteral("standard input ('-') can be read only once"));

    const auto kb = context.knowledgeBase(parser);
    if (!kb)
        return ExitInputError;
    const ReplyDecoder decoder(kb);
    const bool json = context.format(parser) == QLatin1String("json");
    const bool summarize = parser.isSet(summaryOption);
    ResultSummary summary(QStringLiteral("session"));
    int status = ExitOk;
    for (const QString &file : files) {
        if (json) {
            // Each session is written as soon as it is complete: a large log's sessions never exist all at
            // once (see TranscriptReader::readFile for their order).
            bool any = false;
            const Transcript t = TranscriptReader::readFile(file, [&](const QString &dialect, Session &&s) {
                if (!any)
                    context.out() << transcriptJsonHead(file, dialect);
                context.out() << transcriptJsonSession(s, &decoder, !any);
                if (summarize)
                    countSession(summary, s, decoder); // (the JSON writer decodes on its own)
                any = true;
            });
            if (!any)
                context.out() << transcriptJsonHead(t.source, t.dialect);
            context.out() << transcriptJsonTail(any) << '\n';
            if (!t.isTranscript()) {
                context.err() << "smtpscope-cli transcript: " << file << ": " << t.error << '\n';
                status = ExitInputError;
            }
            continue;
        }
        // Text streams the same way: the heading when the first session is out, the count at the end.
        qsizetype sessions = 0;
        const Transcript t = TranscriptReader::readFile(file, [&](const QString &dialect, Session &&s) {
            if (!sessions)
                context.out() << file << ": " << dialect << '\n';
            writeSessionText(context.out(), ++sessions, s, decoder, summarize ? &summary : nullptr);
        });
        if (!t.isTranscript()) {
            context.err() << "smtpscope-cli transcript: " << file << ": " << t.error << '\n';
            status = ExitInputError;
            continue;
        }
        if (!sessions)
            context.out() << t.source << ": " << t.dialect << '\n';
        writeTextTail(context.out(), t, sessions);
    }
    if (summarize)
        summary.write(json ? context.err() : context.out());
    return status;
}

} // namespace smtpscope::cli
