// Decodes bounces without reading them: parses every message of PATH... once with MessageParser, then runs
// BounceDecoder::decode over all of them N times and prints messages/s of the decoder alone.
// Usage: bench_bouncedecoder [--warmup N] [--repeat N] PATH...
// --warmup decodes everything N times (default 1) before the measured rounds.
// Under callgrind, "--toggle-collect='smtpscope::core::BounceDecoder::decode*'" counts the decoder's instructions.
#include "bounce/bouncedecoder.h"
#include "bounce/messageparser.h"
#include "bounce/messagesource.h"
#include "kb/knowledgebase.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace smtpscope::core;

namespace {

// The measured decodes, apart from the warm-up ones: callgrind's --toggle-collect=measuredDecode* counts
// only these, so one-time costs (regex compilation, the DFA states RE2 builds lazily) stay out of the figure.
Q_NEVER_INLINE qint64 measuredDecode(const BounceDecoder &decoder, const ParsedMessage &m)
{
    return decoder.decode(m).results.size();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList paths = app.arguments().mid(1);
    int repeat = 1;
    const qsizetype repeatAt = paths.indexOf(QStringLiteral("--repeat"));
    if (repeatAt >= 0 && repeatAt + 1 < paths.size()) {
        repeat = qMax(1, paths.at(repeatAt + 1).toInt());
        paths.remove(repeatAt, 2);
    }
    int warmup = 1;
    const qsizetype warmupAt = paths.indexOf(QStringLiteral("--warmup"));
    if (warmupAt >= 0 && warmupAt + 1 < paths.size()) {
        warmup = qMax(0, paths.at(warmupAt + 1).toInt());
        paths.remove(warmupAt, 2);
    }
    if (paths.isEmpty()) {
        std::fprintf(stderr, "usage: bench_bouncedecoder [--warmup N] [--repeat N] PATH...\n");
        return 2;
    }
    const auto kb = KnowledgeBase::builtIn();
    if (!kb) {
        std::fprintf(stderr, "bench_bouncedecoder: the built-in knowledge base could not be loaded\n");
        return 1;
    }
    const BounceDecoder decoder(kb);

    std::vector<ParsedMessage> messages;
    MessageSource source(paths);
    RawMessage raw;
    while (source.next(raw))
        messages.push_back(MessageParser::parse(raw));

    for (int round = 0; round < warmup; ++round) {
        for (const ParsedMessage &m : messages)
            decoder.decode(m);
    }
    qint64 results = 0;
    QElapsedTimer timer;
    timer.start();
    for (int round = 0; round < repeat; ++round) {
        for (const ParsedMessage &m : messages)
            results += measuredDecode(decoder, m);
    }
    const double seconds = qMax<qint64>(timer.nsecsElapsed(), 1) / 1e9;
    if (qEnvironmentVariableIsSet("BENCH_SLOWEST")) {
        // The slowest messages, one decode each: where the time goes.
        std::vector<std::pair<qint64, const ParsedMessage *>> times;
        for (const ParsedMessage &m : messages) {
            QElapsedTimer t;
            t.start();
            decoder.decode(m);
            times.emplace_back(t.nsecsElapsed(), &m);
        }
        std::sort(times.begin(), times.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        for (size_t i = 0; i < times.size() && i < 15; ++i)
            std::printf("%8.2f ms  %s #%d\n", times[i].first / 1e6, qPrintable(times[i].second->source),
                times[i].second->index);
    }
    const double decoded = double(messages.size()) * repeat;
    std::printf("decoded %zu messages %d time(s): %lld results in %.2f s, %.0f messages/s (decoder only, one thread)\n",
        messages.size(), repeat, static_cast<long long>(results), seconds, decoded / seconds);
    return 0;
}
