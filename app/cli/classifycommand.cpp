#include "classifycommand.h"

#include "clicontext.h"

#include "bounce/bouncedecoder.h"
#include "bounce/messageparser.h"
#include "bounce/messagesource.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace smtpscope::cli {

namespace {

using namespace smtpscope::core;

QString statusText(const EnhancedStatus &s)
{
    return s.isValid() ? s.toString() : QString();
}

/// One line of the jsonl contract for a recipient result.
QJsonObject resultJson(const BounceReport &report, const DeliveryResult &d)
{
    const Classification &c = d.classification;
    QJsonObject o { { QStringLiteral("source"), report.source }, { QStringLiteral("message"), report.index },
        { QStringLiteral("recipient"), d.recipient }, { QStringLiteral("action"), d.action },
        { QStringLiteral("status"), statusText(d.status) },
        { QStringLiteral("reply_code"), d.replyCode ? QString::number(d.replyCode) : QString() },
        { QStringLiteral("reason"), c.reason }, { QStringLiteral("hard"), c.hard },
        { QStringLiteral("retry"), c.retry }, { QStringLiteral("remote_mta"), d.remoteMta },
        { QStringLiteral("diagnostic"), d.diagnostic }, { QStringLiteral("rule"), c.evidence.ruleId } };
    // Further keys the contract welcomes.
    o.insert(QStringLiteral("kind"), report.kind);
    o.insert(QStringLiteral("do"), c.action);
    if (!d.originalRecipient.isEmpty())
        o.insert(QStringLiteral("original_recipient"), d.originalRecipient);
    if (!d.failedCommand.isEmpty())
        o.insert(QStringLiteral("command"), d.failedCommand);
    if (!d.provider.isEmpty())
        o.insert(QStringLiteral("provider"), d.provider);
    if (!report.feedbackType.isEmpty())
        o.insert(QStringLiteral("feedback_type"), report.feedbackType);
    if (!report.reportingMta.isEmpty())
        o.insert(QStringLiteral("reporting_mta"), report.reportingMta);
    if (!report.note.isEmpty())
        o.insert(QStringLiteral("note"), report.note);
    return o;
}

QJsonObject noteJson(const BounceReport &report, const QString &note)
{
    return { { QStringLiteral("source"), report.source }, { QStringLiteral("message"), report.index },
        { QStringLiteral("note"), note } };
}

QString cell(const QString &text, int width)
{
    return text.size() > width ? text.left(width - 1) + QStringLiteral("…") : text.leftJustified(width);
}

void writeTableHeader(QTextStream &out)
{
    out << cell(QStringLiteral("SOURCE"), 34) << ' ' << cell(QStringLiteral("RECIPIENT"), 32) << ' '
        << cell(QStringLiteral("ACTION"), 9) << ' ' << cell(QStringLiteral("STATUS"), 7) << ' '
        << cell(QStringLiteral("CODE"), 4) << ' ' << cell(QStringLiteral("REASON"), 14) << ' '
        << cell(QStringLiteral("HARD"), 4) << ' ' << cell(QStringLiteral("RETRY"), 7) << ' '
        << QStringLiteral("DIAGNOSTIC") << '\n';
}

QString sourceLabel(const BounceReport &report)
{
    return report.index > 1 ? report.source + u'#' + QString::number(report.index) : report.source;
}

void writeTableRow(QTextStream &out, const BounceReport &report, const DeliveryResult &d)
{
    const Classification &c = d.classification;
    out << cell(sourceLabel(report), 34) << ' ' << cell(d.recipient, 32) << ' ' << cell(d.action, 9) << ' '
        << cell(statusText(d.status), 7) << ' ' << cell(d.replyCode ? QString::number(d.replyCode) : QString(), 4)
        << ' ' << cell(c.reason, 14) << ' ' << cell(c.hard ? QStringLiteral("yes") : QStringLiteral("no"), 4) << ' '
        << cell(c.retry, 7) << ' ' << d.diagnostic.left(100) << '\n';
}

void writeTableNote(QTextStream &out, const BounceReport &report, const QString &note)
{
    out << cell(sourceLabel(report), 34) << ' ' << QLatin1Char('(') << note << QLatin1Char(')') << '\n';
}

} // namespace

int runClassify(CliContext &context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Decode and classify bounces: RFC 3464 DSNs, the free-text bounces of other MTAs, ARF "
                       "complaint reports and auto-replies. Each recipient gets its status, reply code, reason, "
                       "hard/soft and retry advice. PATHs are files, folders (read recursively, Maildirs "
                       "included) or mbox files; '-' reads standard input."));
    parser.addPositionalArgument(
        QStringLiteral("path"), QStringLiteral("Files, folders or mbox files."), QStringLiteral("PATH..."));
    const QCommandLineOption stats(QStringLiteral("stats"),
        QStringLiteral("Print counts, messages per second and MB per second to standard error."));
    parser.addOption(stats);
    int exitCode = ExitOk;
    if (!context.parse(parser, { QStringLiteral("table"), QStringLiteral("jsonl") }, &exitCode))
        return exitCode;
    const QStringList paths = parser.positionalArguments();
    if (paths.isEmpty())
        return context.usageError(QStringLiteral("no input: give one or more files or folders, or '-'"));

    const auto kb = context.knowledgeBase(parser);
    if (!kb)
        return ExitInputError;
    const BounceDecoder decoder(kb);
    const bool jsonl = context.format(parser) == QLatin1String("jsonl");
    QTextStream &out = context.out();
    if (!jsonl)
        writeTableHeader(out);

    QElapsedTimer timer;
    timer.start();
    qint64 messages = 0;
    qint64 results = 0;
    qint64 failed = 0;
    qint64 unreadable = 0;
    MessageSource source(paths);
    RawMessage raw;
    while (source.next(raw)) {
        ++messages;
        if (raw.unreadable)
            ++unreadable;
        const BounceReport report = decoder.decode(MessageParser::parse(raw));
        for (const DeliveryResult &d : report.results) {
            ++results;
            failed += d.action == u"failed";
            if (jsonl)
                out << QString::fromUtf8(QJsonDocument(resultJson(report, d)).toJson(QJsonDocument::Compact)) << '\n';
            else
                writeTableRow(out, report, d);
        }
        if (report.results.isEmpty()) {
            // The reader's reason comes first: a message that could not be read is not "not a bounce".
            const QString note = !raw.note.isEmpty() ? raw.note : report.note;
            if (jsonl)
                out << QString::fromUtf8(QJsonDocument(noteJson(report, note)).toJson(QJsonDocument::Compact)) << '\n';
            else
                writeTableNote(out, report, note);
        }
    }
    out.flush();

    if (parser.isSet(stats)) {
        const double seconds = std::max<qint64>(timer.nsecsElapsed(), 1) / 1e9;
        const double megabytes = double(source.bytesRead()) / (1024.0 * 1024.0);
        context.err() << "messages: " << messages << "  results: " << results << "  failed: " << failed
                      << "  unreadable: " << std::max<qint64>(unreadable, source.unreadableCount()) << '\n'
                      << QString::asprintf(
                             "%.0f messages/s, %.1f MB/s (%.2f s)\n", messages / seconds, megabytes / seconds, seconds);
        context.err().flush();
    }
    return unreadable || source.unreadableCount() ? ExitInputError : ExitOk;
}

} // namespace smtpscope::cli
