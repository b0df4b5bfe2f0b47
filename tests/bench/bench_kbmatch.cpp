// Times KnowledgeBase::match (the RE2::Set over every text rule, then locating the winner) on the diagnostics
// of a classify output, cold (first round: RE2 builds its DFA states) and warm.
// Usage: bench_kbmatch OUT.jsonl [ROUNDS]   (OUT.jsonl from `smtpscope-cli classify --format jsonl`)
#include "kb/knowledgebase.h"
#include "reply/enhancedstatus.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

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
    const int rounds = args.size() > 2 ? qMax(1, args.at(2).toInt()) : 5;
    qint64 matched = 0;
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer timer;
        timer.start();
        for (const QString &text : std::as_const(texts))
            matched += kb->match(text, 5, EnhancedStatus(), {}).rule ? 1 : 0;
        std::printf("round %d%s: %lld texts, %.1f us per match\n", round + 1, round == 0 ? " (cold)" : "",
            static_cast<long long>(texts.size()), double(timer.nsecsElapsed()) / 1e3 / double(texts.size()));
    }
    std::printf("%lld matches\n", static_cast<long long>(matched));
    return 0;
}
