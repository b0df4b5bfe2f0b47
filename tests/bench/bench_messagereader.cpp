// Reads messages (an mbox, a Maildir, files) and parses them as the classify pipeline does; prints
// messages/s, MB/s and peak RSS.
// Usage: bench_messagereader [--source-only | --gmime-only] [--threads N] PATH...
// --source-only only splits the input into messages; --gmime-only runs GMime's bare parse instead of
// MessageParser, for comparison; --threads parses batches of messages on N threads (reading stays on one).
#include "bounce/messageparser.h"
#include "bounce/messagesource.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include <gmime/gmime.h>

using namespace smtpscope::core;

namespace {

// Peak resident set size in kB, from /proc/self/status.
qint64 peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    // Files under /proc report a size of 0: read them whole rather than line by line until atEnd().
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

enum class Mode { Source, GMime, Parser };

struct Counts
{
    std::atomic<qint64> parts = 0;
    std::atomic<qint64> withNote = 0;
};

void parseOne(const RawMessage &raw, Mode mode, Counts &counts)
{
    if (mode == Mode::GMime) {
        GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw.bytes.constData(), size_t(raw.bytes.size()));
        GMimeParser *parser = g_mime_parser_new_with_stream(stream);
        GMimeMessage *message = g_mime_parser_construct_message(parser, nullptr);
        counts.parts += message ? 1 : 0;
        if (message)
            g_object_unref(message);
        g_object_unref(parser);
        g_object_unref(stream);
    } else if (mode == Mode::Parser) {
        const ParsedMessage parsed = MessageParser::parse(raw);
        counts.parts += parsed.parts.size();
        counts.withNote += parsed.note.isEmpty() ? 0 : 1;
    }
}

void parseBatch(const std::vector<RawMessage> &batch, Mode mode, int threads, Counts &counts)
{
    if (threads <= 1) {
        for (const RawMessage &raw : batch)
            parseOne(raw, mode, counts);
        return;
    }
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (size_t i = size_t(t); i < batch.size(); i += size_t(threads))
                parseOne(batch[i], mode, counts);
        });
    }
    for (std::thread &worker : workers)
        worker.join();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList paths = app.arguments().mid(1);
    Mode mode = Mode::Parser;
    if (paths.removeAll(QStringLiteral("--source-only")) > 0)
        mode = Mode::Source;
    if (paths.removeAll(QStringLiteral("--gmime-only")) > 0)
        mode = Mode::GMime;
    int threads = 1;
    const qsizetype threadsAt = paths.indexOf(QStringLiteral("--threads"));
    if (threadsAt >= 0 && threadsAt + 1 < paths.size()) {
        threads = qMax(1, paths.at(threadsAt + 1).toInt());
        paths.remove(threadsAt, 2);
    }
    if (paths.isEmpty()) {
        std::fprintf(stderr, "usage: bench_messagereader [--source-only | --gmime-only] [--threads N] PATH...\n");
        return 2;
    }
    if (mode == Mode::GMime)
        g_mime_init();
    else if (mode == Mode::Parser)
        MessageParser::parse(QByteArray("Subject: warm-up\n\n")); // initialises GMime once, before any thread

    MessageSource source(paths);
    Counts counts;
    qint64 messages = 0;
    std::vector<RawMessage> batch;
    constexpr size_t batchSize = 4096;
    batch.reserve(batchSize);
    QElapsedTimer timer;
    timer.start();
    RawMessage raw;
    while (source.next(raw)) {
        ++messages;
        if (threads == 1) {
            parseOne(raw, mode, counts); // no batch: memory stays that of one message
            continue;
        }
        batch.push_back(std::move(raw));
        raw = RawMessage();
        if (batch.size() == batchSize) {
            parseBatch(batch, mode, threads, counts);
            batch.clear();
        }
    }
    parseBatch(batch, mode, threads, counts);
    const double seconds = qMax<qint64>(timer.nsecsElapsed(), 1) / 1e9;
    const double megabytes = source.bytesRead() / 1e6;
    const char *label = mode == Mode::Source ? "read" : mode == Mode::GMime ? "read+GMime parse" : "read+parse";
    std::printf("%s on %d thread(s): %lld messages, %.1f MB, %lld parts, %lld with a note, in %.2f s\n", label, threads,
        static_cast<long long>(messages), megabytes, static_cast<long long>(counts.parts.load()),
        static_cast<long long>(counts.withNote.load()), seconds);
    std::printf("%.0f messages/s, %.1f MB/s, peak RSS %.1f MB\n", messages / seconds, megabytes / seconds,
        peakRssKb() / 1024.0);
    return source.unreadableCount() > 0 ? 1 : 0;
}
