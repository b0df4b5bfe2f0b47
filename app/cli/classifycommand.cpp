#include "classifycommand.h"

#include "clicontext.h"
#include "resultsummary.h"

#include "bounce/bouncedecoder.h"
#include "bounce/messageparser.h"
#include "bounce/messagesource.h"
#include "util/allocator.h"
#include "util/jsonstring.h"

#include <QElapsedTimer>
#include <QVarLengthArray>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <sys/resource.h>

namespace smtpscope::cli {

namespace {

using namespace smtpscope::core;

QString statusText(const EnhancedStatus &s)
{
    return s.isValid() ? s.toString() : QString();
}

/// Writes JSON objects the way QJsonDocument::Compact does (keys sorted, the same escapes), without building a
/// QJsonObject for every line: that costs more than decoding a simple bounce.
class JsonLine
{
public:
    template<qsizetype N> void add(const char (&key)[N], const QString &value)
    {
        m_fields.push_back({ QByteArrayView(key, N - 1), Kind::String, &value, 0 });
    }
    template<qsizetype N> void add(const char (&key)[N], qint64 value)
    {
        m_fields.push_back({ QByteArrayView(key, N - 1), Kind::Number, nullptr, value });
    }
    template<qsizetype N> void addBool(const char (&key)[N], bool value)
    {
        m_fields.push_back({ QByteArrayView(key, N - 1), Kind::Bool, nullptr, value ? 1 : 0 });
    }

    /// Appends the object and a line feed to @p out.
    void write(QByteArray &out)
    {
        // (About twenty fields: sorting them is cheap; keys compare as bytes, as QJsonObject orders them.)
        std::sort(m_fields.begin(), m_fields.end(), [](const Field &a, const Field &b) { return a.key < b.key; });
        // One resize for the worst case, then plain writes: appending piece by piece cost more than the escaping.
        qsizetype bound = 3;
        for (const Field &field : m_fields)
            bound += field.key.size() + 4 + (field.kind == Kind::String ? jsonStringBound(*field.text) : 20);
        const qsizetype start = out.size();
        out.resize(start + bound);
        char *dst = out.data() + start;
        *dst++ = '{';
        for (const Field &field : m_fields) {
            if (&field != &m_fields.front())
                *dst++ = ',';
            *dst++ = '"';
            dst = std::copy(field.key.begin(), field.key.end(), dst);
            *dst++ = '"';
            *dst++ = ':';
            switch (field.kind) {
            case Kind::String:
                dst = writeJsonString(dst, *field.text);
                break;
            case Kind::Number:
                dst = std::to_chars(dst, dst + 20, field.number).ptr;
                break;
            case Kind::Bool: {
                const QByteArrayView word = field.number ? QByteArrayView("true") : QByteArrayView("false");
                dst = std::copy(word.begin(), word.end(), dst);
                break;
            }
            }
        }
        *dst++ = '}';
        *dst++ = '\n';
        out.resize(dst - out.constData());
    }

private:
    enum class Kind { String, Number, Bool };
    struct Field
    {
        QByteArrayView key;
        Kind kind;
        const QString *text;
        qint64 number;
    };
    QVarLengthArray<Field, 24> m_fields; ///< (no allocation per line)
};

/// One line of the jsonl contract for a recipient result.
void writeResultJson(QByteArray &out, const BounceReport &report, const DeliveryResult &d)
{
    const Classification &c = d.classification;
    const QString status = statusText(d.status);
    const QString replyCode = d.replyCode ? QString::number(d.replyCode) : QString();
    JsonLine o;
    o.add("source", report.source);
    o.add("message", report.index);
    o.add("recipient", d.recipient);
    o.add("action", d.action);
    o.add("status", status);
    o.add("reply_code", replyCode);
    o.add("reason", c.reason);
    o.addBool("hard", c.hard);
    o.add("retry", c.retry);
    o.add("remote_mta", d.remoteMta);
    o.add("diagnostic", d.diagnostic);
    o.add("rule", c.evidence.ruleId);
    // Further keys the contract welcomes.
    o.add("kind", report.kind);
    o.add("do", c.action);
    if (!d.originalRecipient.isEmpty())
        o.add("original_recipient", d.originalRecipient);
    if (!d.failedCommand.isEmpty())
        o.add("command", d.failedCommand);
    if (!d.registrableDomain.isEmpty())
        o.add("receiver", d.registrableDomain);
    if (!d.provider.isEmpty())
        o.add("provider", d.provider);
    if (!report.feedbackType.isEmpty())
        o.add("feedback_type", report.feedbackType);
    if (!report.reportingMta.isEmpty())
        o.add("reporting_mta", report.reportingMta);
    // For matching the result to the sending side's logs: which message, and when it last failed.
    const QString lastAttempt = d.lastAttempt.isValid() ? d.lastAttempt.toUTC().toString(Qt::ISODate) : QString();
    if (!lastAttempt.isEmpty())
        o.add("last_attempt", lastAttempt);
    if (!report.original.messageId.isEmpty())
        o.add("original_message_id", report.original.messageId);
    if (!report.note.isEmpty())
        o.add("note", report.note);
    o.write(out);
}

void writeNoteJson(QByteArray &out, const BounceReport &report, const QString &note)
{
    JsonLine o;
    o.add("source", report.source);
    o.add("message", report.index);
    o.add("note", note);
    o.write(out);
}

QString cell(const QString &text, int width)
{
    return text.size() > width ? text.left(width - 1) + QStringLiteral("…") : text.leftJustified(width);
}

/// A path cut at the front: the file name at its end is what tells rows apart.
QString pathCell(const QString &path, int width)
{
    return path.size() > width ? QStringLiteral("…") + path.right(width - 1) : path.leftJustified(width);
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
    out << pathCell(sourceLabel(report), 34) << ' ' << cell(d.recipient, 32) << ' ' << cell(d.action, 9) << ' '
        << cell(statusText(d.status), 7) << ' ' << cell(d.replyCode ? QString::number(d.replyCode) : QString(), 4)
        << ' ' << cell(c.reason, 14) << ' ' << cell(c.hard ? QStringLiteral("yes") : QStringLiteral("no"), 4) << ' '
        << cell(c.retry, 7) << ' ' << d.diagnostic.left(100) << '\n';
}

void writeTableNote(QTextStream &out, const BounceReport &report, const QString &note)
{
    out << pathCell(sourceLabel(report), 34) << ' ' << QLatin1Char('(') << note << QLatin1Char(')') << '\n';
}

/// A batch of messages through the pipeline: read, then parsed, decoded and rendered (on any thread), then written
/// in order. Batches rather than single messages, so that threads meet once per batch, not once per message.
struct Job
{
    std::vector<RawMessage> messages;
    QByteArray output;
    qint64 results = 0;
    qint64 failed = 0;
    QList<SummaryEntry> summary; ///< only with --summary
    QList<bool> gaveResults; ///< only with --summary: for each message, whether it gave a result
    bool done = false;
};

/// How each message is rendered.
struct Rendering
{
    bool jsonl = false; ///< jsonl objects (also for json), else table rows
    bool summary = false; ///< also collect SummaryEntry values
};

/// Parses, decodes and renders one message, appending to the batch's output bytes.
void processOne(Job &job, const RawMessage &raw, const BounceDecoder &decoder, Rendering rendering)
{
    const bool jsonl = rendering.jsonl;
    const BounceReport report = decoder.decode(MessageParser::parse(raw));
    QString table;
    std::optional<QTextStream> tableStream; // only for --format table: a QTextStream per message costs
    if (!jsonl)
        tableStream.emplace(&table);
    for (const DeliveryResult &d : report.results) {
        ++job.results;
        job.failed += d.action == u"failed";
        if (rendering.summary)
            job.summary.append(SummaryEntry::of(d));
        if (jsonl)
            writeResultJson(job.output, report, d);
        else
            writeTableRow(*tableStream, report, d);
    }
    if (rendering.summary)
        job.gaveResults.append(!report.results.isEmpty());
    if (report.results.isEmpty()) {
        // The reader's reason comes first: a message that could not be read is not "not a bounce".
        const QString note = !raw.note.isEmpty() ? raw.note : report.note;
        if (jsonl)
            writeNoteJson(job.output, report, note);
        else
            writeTableNote(*tableStream, report, note);
    }
    if (tableStream) {
        tableStream->flush();
        job.output += table.toUtf8();
    }
}

/// Parses, decodes and renders the batch's messages into its output bytes.
void process(Job &job, const BounceDecoder &decoder, Rendering rendering)
{
    for (const RawMessage &raw : job.messages)
        processOne(job, raw, decoder, rendering);
    job.messages.clear(); // not needed any more: free them before the batch waits to be written
}

/// Runs batches of messages through `process` on worker threads while the calling thread reads the input and
/// writes the output in input order. At most 8 batches per worker (and about `maxBytes` of messages) are in
/// flight, so memory stays bounded whatever the input size.
class ParallelClassifier
{
public:
    ParallelClassifier(int jobs, const BounceDecoder &decoder, Rendering rendering)
        : m_ring(size_t(jobs) * 8)
        , m_decoder(decoder)
        , m_rendering(rendering)
    {
        for (int i = 0; i < jobs; ++i)
            m_workers.emplace_back([this] { work(); });
    }

    ~ParallelClassifier() { finish(nullptr); }

    /// Queues @p raw in the current batch, which goes to the workers when full; writes the finished batches that
    /// are next in order meanwhile.
    void add(RawMessage raw, const std::function<void(Job &)> &write)
    {
        m_batchBytes += raw.bytes.size();
        m_batch.push_back(std::move(raw));
        if (m_batch.size() >= batchMessages || m_batchBytes >= batchBytes)
            submit(write);
    }

    /// Queues the last batch, waits for every batch and writes the rest; stops the workers.
    void finish(const std::function<void(Job &)> *write)
    {
        if (write && !m_batch.empty())
            submit(*write);
        std::unique_lock lock(m_mutex);
        if (write) {
            while (m_written < m_next)
                writeReady(lock, *write, true);
        }
        m_finished = true;
        m_workAvailable.notify_all();
        lock.unlock();
        for (std::thread &worker : m_workers)
            worker.join();
        m_workers.clear();
    }

private:
    static constexpr qint64 maxBytes = 64 << 20;
    static constexpr size_t batchMessages = 32;
    static constexpr qint64 batchBytes = 1 << 20;

    Job &slot(qint64 sequence) { return m_ring[size_t(sequence % qint64(m_ring.size()))]; }

    // Hands the current batch to the workers, first writing finished batches while too many are in flight.
    void submit(const std::function<void(Job &)> &write)
    {
        std::unique_lock lock(m_mutex);
        while (m_next - m_written >= qint64(m_ring.size()) || (m_bytes > maxBytes && m_next > m_written))
            writeReady(lock, write, true);
        Job &job = slot(m_next);
        job = Job();
        job.messages = std::move(m_batch);
        m_bytes += m_batchBytes;
        m_todo.push_back({ m_next++, m_batchBytes });
        m_batch.clear();
        m_batchBytes = 0;
        m_workAvailable.notify_one();
        writeReady(lock, write, false);
    }

    // Writes the finished batches that come next; with @p wait, first waits until the next one is finished.
    void writeReady(std::unique_lock<std::mutex> &lock, const std::function<void(Job &)> &write, bool wait)
    {
        if (wait)
            m_jobDone.wait(lock, [this] { return slot(m_written).done; });
        while (m_written < m_next && slot(m_written).done) {
            Job &job = slot(m_written);
            job.done = false;
            ++m_written;
            lock.unlock();
            write(job); // the slot is not reused before m_written passes it, and it just did
            lock.lock();
        }
    }

    void work()
    {
        std::unique_lock lock(m_mutex);
        while (true) {
            m_workAvailable.wait(lock, [this] { return m_finished || !m_todo.empty(); });
            if (m_todo.empty())
                return;
            const Queued queued = m_todo.front();
            m_todo.pop_front();
            Job &job = slot(queued.sequence);
            lock.unlock();
            process(job, m_decoder, m_rendering);
            lock.lock();
            m_bytes -= queued.bytes;
            job.done = true;
            m_jobDone.notify_all();
        }
    }

    struct Queued
    {
        qint64 sequence;
        qint64 bytes;
    };

    std::vector<Job> m_ring;
    const BounceDecoder &m_decoder;
    const Rendering m_rendering;
    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_workAvailable;
    std::condition_variable m_jobDone;
    std::deque<Queued> m_todo;
    std::vector<RawMessage> m_batch; ///< messages read but not yet queued (only the calling thread touches it)
    qint64 m_batchBytes = 0;
    qint64 m_next = 0; ///< sequence number of the next batch queued
    qint64 m_written = 0; ///< batches written so far
    qint64 m_bytes = 0; ///< input bytes of the batches queued or being processed
    bool m_finished = false;
};

/// Writes jsonl objects (one per line) to stdout as the elements of one JSON array, as they come, so that
/// `--format json` streams like jsonl does.
class JsonArrayWriter
{
public:
    void write(const QByteArray &lines)
    {
        qsizetype start = 0;
        while (start < lines.size()) {
            qsizetype end = lines.indexOf('\n', start);
            if (end < 0)
                end = lines.size();
            std::fputs(m_count++ ? ",\n  " : "[\n  ", stdout);
            std::fwrite(lines.constData() + start, 1, size_t(end - start), stdout);
            start = end + 1;
        }
    }

    void finish() { std::fputs(m_count ? "\n]\n" : "[]\n", stdout); }

private:
    qint64 m_count = 0;
};

/// Peak resident set size of this process, in MB.
double peakRssMb()
{
    struct rusage usage = {};
    if (getrusage(RUSAGE_SELF, &usage) != 0)
        return 0;
    return double(usage.ru_maxrss) / 1024.0; // kB on Linux
}

} // namespace

int runClassify(CliContext &context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Decode and classify bounces: RFC 3464 DSNs, the free-text bounces of other MTAs, ARF "
                       "complaint reports, rejections sent as disposition notifications (Sieve, Dovecot) and "
                       "auto-replies. Each recipient gets its status, reply code, reason, "
                       "hard/soft and retry advice. PATHs are files, folders (read recursively, Maildirs "
                       "included) or mbox files; '-' reads standard input."));
    parser.addPositionalArgument(
        QStringLiteral("path"), QStringLiteral("Files, folders or mbox files."), QStringLiteral("PATH..."));
    const QCommandLineOption stats(QStringLiteral("stats"),
        QStringLiteral("Print counts, messages per second, MB per second and peak memory to standard error."));
    parser.addOption(stats);
    const QCommandLineOption jobsOption(QStringLiteral("jobs"),
        QStringLiteral("Classify on N threads (default 1). The output keeps the input order."), QStringLiteral("N"),
        QStringLiteral("1"));
    parser.addOption(jobsOption);
    const QCommandLineOption summaryOption(QStringLiteral("summary"),
        QStringLiteral("After the results, count them by reason and by receiver (the recipient's registrable "
                       "domain). Goes to standard output with --format table, else to standard error."));
    parser.addOption(summaryOption);
    int exitCode = ExitOk;
    if (!context.parse(parser, { QStringLiteral("table"), QStringLiteral("jsonl"), QStringLiteral("json") }, &exitCode))
        return exitCode;
    bool jobsOk = false;
    const int jobs = parser.value(jobsOption).toInt(&jobsOk);
    if (!jobsOk || jobs < 1 || jobs > 256)
        return context.usageError(
            QStringLiteral("--jobs wants a whole number from 1 to 256, not \"%1\"").arg(parser.value(jobsOption)));
    const QStringList paths = parser.positionalArguments();
    if (paths.isEmpty())
        return context.usageError(QStringLiteral("no input: give one or more files or folders, or '-'"));

    const auto kb = context.knowledgeBase(parser);
    if (!kb)
        return ExitInputError;
    const BounceDecoder decoder(kb);
    const QString format = context.format(parser);
    const bool json = format == QLatin1String("json");
    const bool jsonl = json || format == QLatin1String("jsonl"); // json is the jsonl objects in one array
    QTextStream &out = context.out();
    if (!jsonl)
        writeTableHeader(out);
    out.flush(); // from here on, output goes to stdout as bytes
    JsonArrayWriter array;
    const Rendering rendering { jsonl, parser.isSet(summaryOption) };
    ResultSummary summary;

    QElapsedTimer timer;
    timer.start();
    qint64 messages = 0;
    qint64 results = 0;
    qint64 failed = 0;
    qint64 unreadable = 0;
    const std::function<void(Job &)> write = [&](Job &job) {
        results += job.results;
        failed += job.failed;
        if (rendering.summary) {
            for (bool gaveResults : std::as_const(job.gaveResults))
                summary.addUnit(gaveResults);
            for (const SummaryEntry &e : std::as_const(job.summary))
                summary.add(e);
        }
        if (json)
            array.write(job.output);
        else
            std::fwrite(job.output.constData(), 1, size_t(job.output.size()), stdout);
    };
    MessageSource source(paths);
    RawMessage raw;
    if (jobs == 1) {
        while (source.next(raw)) {
            ++messages;
            unreadable += raw.unreadable;
            Job job;
            job.messages.push_back(std::move(raw));
            raw = RawMessage();
            process(job, decoder, rendering);
            write(job);
        }
    } else {
        MessageParser::parse(QByteArray("Subject: warm-up\n\n")); // initialises GMime before any thread
        ParallelClassifier classifier(jobs, decoder, rendering);
        while (source.next(raw)) {
            ++messages;
            unreadable += raw.unreadable;
            classifier.add(std::move(raw), write);
            raw = RawMessage();
        }
        classifier.finish(&write);
    }
    if (json)
        array.finish();
    std::fflush(stdout);
    if (rendering.summary)
        summary.write(jsonl ? context.err() : out);

    if (parser.isSet(stats)) {
        const double seconds = std::max<qint64>(timer.nsecsElapsed(), 1) / 1e9;
        const double megabytes = double(source.bytesRead()) / (1024.0 * 1024.0);
        context.err() << "messages: " << messages << "  results: " << results << "  failed: " << failed
                      << "  unreadable: " << std::max<qint64>(unreadable, source.unreadableCount()) << '\n'
                      << QString::asprintf("%.0f messages/s, %.1f MB/s (%.2f s, %d job%s, %s), peak RSS %.1f MB\n",
                             messages / seconds, megabytes / seconds, seconds, jobs, jobs == 1 ? "" : "s",
                             qPrintable(allocatorName()), peakRssMb());
        context.err().flush();
    }
    return unreadable || source.unreadableCount() ? ExitInputError : ExitOk;
}

} // namespace smtpscope::cli
