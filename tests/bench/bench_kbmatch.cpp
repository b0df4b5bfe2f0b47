// Times KnowledgeBase::match (the RE2::Set over every text rule, then locating the winner) on the distinct
// diagnostics of a classify output: cold, warm (texts seen before) and on texts new to RE2's DFA.
// Usage: bench_kbmatch OUT.jsonl [ROUNDS]   (OUT.jsonl from `smtpscope-cli classify --format jsonl`)
#include "kb/knowledgebase.h"
#include "reply/enhancedstatus.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace smtpscope::core;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: bench_kbmatch OUT.jsonl [ROUNDS]\n");
        return 2;
    }
    const auto kb = KnowledgeBase::builtIn();
    QFile file(args.at(1));
    if (!kb || !file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bench_kbmatch: cannot load the knowledge base or read the input\n");
        return 1;
    }
    QStringList texts;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QString diagnostic = o.value(QStringLiteral("diagnostic")).toString();
        if (!diagnostic.isEmpty())
            texts.append(diagnostic);
    }
    if (texts.isEmpty()) {
        std::fprintf(stderr, "bench_kbmatch: no diagnostic in the input\n");
        return 1;
    }
    // Distinct texts in a fixed shuffled order: the first half warms RE2's DFA, the second half is new to it,
    // as most texts are in a real stream of bounces (an input that repeats the same messages is not).
    texts.removeDuplicates();
    std::shuffle(texts.begin(), texts.end(), std::mt19937(1));
    const qsizetype half = texts.size() / 2;
    qint64 matched = 0;
    auto run = [&](qsizetype from, qsizetype to, const char *label) {
        QElapsedTimer timer;
        timer.start();
        for (qsizetype i = from; i < to; ++i)
            matched += kb->match(texts.at(i), 5, EnhancedStatus(), {}).rule ? 1 : 0;
        std::printf("%-34s %5lld texts, %8.1f us per match\n", label, static_cast<long long>(to - from),
            double(timer.nsecsElapsed()) / 1e3 / double(qMax<qsizetype>(to - from, 1)));
    };
    run(0, half, "first half, cold:");
    const int rounds = args.size() > 2 ? qMax(1, args.at(2).toInt()) : 3;
    for (int round = 0; round < rounds; ++round)
        run(0, half, "first half again (warm):");
    run(half, texts.size(), "second half, texts new to the DFA:");
    std::printf("%lld matches\n", static_cast<long long>(matched));
    return 0;
}
