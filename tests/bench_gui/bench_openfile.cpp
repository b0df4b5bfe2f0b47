// How fast the workbench shows a document, and how long the GUI thread stalls while a large log opens.
//   bench_openfile [MEGABYTES]   (default 50; runs on the offscreen platform unless QT_QPA_PLATFORM is set)
#include "conversationmodel.h"
#include "conversationview.h"
#include "documentloader.h"
#include "documentmodel.h"
#include "documentview.h"
#include "mainwindow.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace smtpscope;

namespace {

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(values.size() / 2);
}

/// Time from bytes in memory to the document painted in the window: parse (worker's share) and show (GUI thread).
void singleFile(ui::MainWindow &window, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::printf("%s: cannot read\n", qPrintable(path));
        return;
    }
    const QByteArray bytes = file.readAll();
    const auto kb = window.knowledgeBase();
    QList<double> parse, show;
    for (int i = 0; i < 30; ++i) {
        QElapsedTimer t;
        t.start();
        const ui::DocumentPtr doc = ui::DocumentLoader::loadText(bytes, QFileInfo(path).fileName(), kb);
        parse.append(t.nsecsElapsed() / 1e6);
        t.restart();
        window.documentView()->setDocument(doc);
        window.documentView()->repaint();
        QCoreApplication::processEvents();
        show.append(t.nsecsElapsed() / 1e6);
        window.documentView()->setDocument(nullptr);
    }
    std::printf("%-28s %8lld bytes  parse %7.2f ms  show %7.2f ms  total %7.2f ms (medians of 30)\n",
        qPrintable(QFileInfo(path).fileName()), qint64(bytes.size()), median(parse), median(show),
        median(parse) + median(show));
}

/// A Postfix maillog of about @p megabytes: per message a qmgr line, one delivery line, a removed line.
QString writeMaillog(const QString &dir, int megabytes)
{
    const QString path = dir + QStringLiteral("/maillog");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    const qint64 target = qint64(megabytes) << 20;
    QByteArray buffer;
    for (qint64 n = 0; f.size() + buffer.size() < target; ++n) {
        const QByteArray id = QByteArray::number(0x4A0000000ll + n, 16).toUpper();
        const QByteArray time = QByteArray("Apr 14 09:") + QByteArray::number(10 + n / 60000 % 50) + ':'
            + QByteArray::number(10 + n / 1000 % 50);
        const QByteArray pid = QByteArray::number(300 + n % 97);
        buffer += time + " mail postfix/qmgr[312]: " + id
            + ": from=<billing@shop.example>, size=2210, nrcpt=1 "
              "(queue active)\n";
        if (n % 5 == 0)
            buffer += time + " mail postfix/smtp[" + pid + "]: " + id + ": to=<user" + QByteArray::number(n)
                + "@inbound.example>, relay=mx1.inbound.example[198.51.100.25]:25, delay=0.7, "
                  "delays=0.01/0.01/0.5/0.18, dsn=5.1.1, status=bounced (host mx1.inbound.example[198.51.100.25] "
                  "said: 550 5.1.1 The mailbox does not exist. (in reply to RCPT TO command))\n";
        else
            buffer += time + " mail postfix/smtp[" + pid + "]: " + id + ": to=<user" + QByteArray::number(n)
                + "@inbound.example>, relay=mx1.inbound.example[198.51.100.25]:25, delay=0.4, "
                  "delays=0.01/0.01/0.2/0.18, dsn=2.0.0, status=sent (250 2.0.0 OK 1713078721 q12si)\n";
        buffer += time + " mail postfix/qmgr[312]: " + id + ": removed\n";
        if (buffer.size() > (1 << 20)) {
            f.write(buffer);
            buffer.clear();
        }
    }
    f.write(buffer);
    return path;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int megabytes = argc > 1 ? std::max(1, QByteArray(argv[1]).toInt()) : 50;

    ui::MainWindow window;
    window.resize(1280, 840);
    window.show();
    QCoreApplication::processEvents();

    std::printf("Open and show a single document (bytes already read):\n");
    const QString data = QStringLiteral(SMTPSCOPE_SOURCE_DIR "/tests/data/");
    for (const char *name : { "transcripts/swaks-starttls.txt", "transcripts/postfix-log-docker-quoted.txt",
             "bounces/eml/postfix-dsn.eml", "gui/two-recipients.eml" })
        singleFile(window, data + QString::fromLatin1(name));

    QTemporaryDir dir;
    QElapsedTimer t;
    t.start();
    const QString log = writeMaillog(dir.path(), megabytes);
    std::printf(
        "\nGenerated a %lld-byte Postfix maillog in %.0f ms\n", qint64(QFileInfo(log).size()), t.nsecsElapsed() / 1e6);

    // The GUI thread's responsiveness: a 5 ms timer whose late ticks are stalls.
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    qint64 worst = 0;
    qint64 ticks = 0;
    QList<qint64> gaps;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        worst = std::max(worst, now - last);
        gaps.append(now - last);
        last = now;
        ++ticks;
    });
    heartbeat.start(5);

    // The baseline: the same heartbeat with nothing to do, on this (shared) machine.
    QElapsedTimer idle;
    idle.start();
    while (idle.elapsed() < 2000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const qint64 worstIdle = worst;
    worst = 0;
    gaps.clear();

    QElapsedTimer open;
    open.start();
    window.openPaths({ log });
    qint64 loadedAt = -1;
    while (true) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (loadedAt < 0 && window.loader()->runningCount() == 0
            && window.documentView()->currentPage() == ui::DocumentView::TranscriptPage)
            loadedAt = open.nsecsElapsed();
        if (loadedAt >= 0)
            break;
        if (open.elapsed() > 600000) {
            std::printf("gave up after 10 minutes\n");
            return 1;
        }
    }
    const qint64 worstWhileLoading = worst;
    // Then use it: move through sessions and steps as a user would.
    ui::ConversationView *conversation = window.documentView()->conversation();
    const int sessions = conversation->sessionModel()->rowCount();
    QElapsedTimer use;
    use.start();
    for (int i = 0; i < 20; ++i) {
        conversation->setCurrentSession((i * 7919) % std::max(1, sessions));
        conversation->selectStep(0);
        QCoreApplication::processEvents();
    }
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 500)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double perSession = (use.nsecsElapsed() / 1e6 - 500) / 20;
    heartbeat.stop(); // what follows blocks on purpose, to time the GUI thread's share
    // The GUI thread's share of showing the large document again, measured directly.
    const ui::DocumentPtr big = window.documentView()->document();
    window.documentView()->setDocument(nullptr);
    QElapsedTimer showBig;
    showBig.start();
    window.documentView()->setDocument(big);
    window.documentView()->repaint();
    const double showBigMs = showBig.nsecsElapsed() / 1e6;
    showBig.restart();
    conversation->setDocument(nullptr);
    const double clearConversationMs = showBig.nsecsElapsed() / 1e6;
    showBig.restart();
    conversation->setDocument(big);
    const double conversationMs = showBig.nsecsElapsed() / 1e6;
    showBig.restart();
    conversation->sessionModel()->setTranscript(&big->transcript);
    const double sessionsMs = showBig.nsecsElapsed() / 1e6;
    showBig.restart();
    conversation->model()->setSession(big->transcript.sessions.at(0));
    const double stepsMs = showBig.nsecsElapsed() / 1e6;
    showBig.restart();
    conversation->setCurrentSession(1);
    const double switchMs = showBig.nsecsElapsed() / 1e6;
    conversation->sessionSelector()->hide();
    showBig.restart();
    conversation->sessionSelector()->show();
    std::printf("session selector shown again: %.1f ms\n", showBig.nsecsElapsed() / 1e6);
    std::printf("conversation view: clear %.1f ms, set %.1f ms (session list %.1f ms, steps %.1f ms, switch %.1f ms)\n",
        clearConversationMs, conversationMs, sessionsMs, stepsMs, switchMs);
    std::sort(gaps.begin(), gaps.end());
    std::printf("Opened in %.0f ms: %d sessions; %lld heartbeats of 5 ms; showing it again takes %.1f ms\n",
        loadedAt / 1e6, sessions, ticks, showBigMs);
    std::printf("GUI thread idle (baseline, machine load): longest gap %.1f ms\n", worstIdle / 1e6);
    std::printf("GUI thread: longest stall while loading %.1f ms; p99 gap %.1f ms; switching session (20x) %.1f ms "
                "each; longest stall overall %.1f ms\n",
        worstWhileLoading / 1e6, gaps.isEmpty() ? 0.0 : gaps.at(gaps.size() * 99 / 100) / 1e6, perSession, worst / 1e6);
    return 0;
}
