// Generates a large Postfix maillog and a large swaks transcript in memory and reads each twice: whole, through
// TranscriptReader::read (the model the GUI shows), and streamed from a file, through TranscriptReader::readFile
// with a session sink (what `smtpscope-cli transcript` does); prints MB/s and peak RSS of both.
// Usage: bench_transcript [--mb N] [--only maillog|swaks] [--repeat R] [--write DIR]
// --mb sets the size of each generated input (default 100); --repeat reads each input R times and
// reports the run with the least thread CPU time (printed beside wall-clock time, which on a shared
// machine mostly measures the load); --write also saves the inputs to DIR, to time the CLI end to end.
#include "transcript/transcriptreader.h"
#include "util/allocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryFile>

#include <cstdio>
#include <ctime>
#include <random>

#include <sys/resource.h>

using namespace smtpscope::core;

namespace {

// A field of /proc/self/status in kB ("VmHWM" = peak RSS, "VmRSS" = current RSS).
qint64 statusKb(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    // Files under /proc report a size of 0: read them whole rather than line by line until atEnd().
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so that each input gets its own peak.
void resetPeakRss()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5");
}

const char *const kMonths[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

QByteArray queueId(std::mt19937 &rng)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray id(11, '0');
    for (char &c : id)
        c = hex[rng() % 16];
    return id;
}

// A busy relay's mail.log: smtpd/cleanup/qmgr/smtp/bounce lines with ~40 messages in flight at once,
// so the lines of one queue id are interleaved with others; deliveries are sent, deferred or bounced.
QByteArray generateMaillog(qint64 targetBytes)
{
    std::mt19937 rng(42);
    QByteArray out;
    out.reserve(targetBytes + 4096);
    struct Message
    {
        QByteArray id;
        int stage = 0;
        int rcpts = 1;
        int pid = 0;
    };
    QList<Message> inFlight;
    qint64 seconds = 0;
    int serial = 0;
    while (out.size() < targetBytes) {
        // About 40 in flight: a new message arrives when fewer are, and now and then up to 60 (a burst).
        if (inFlight.size() < 40 || (inFlight.size() < 60 && rng() % 4 == 0)) {
            Message m;
            m.id = queueId(rng);
            m.rcpts = 1 + int(rng() % 3);
            m.pid = 1000 + int(rng() % 30000);
            inFlight.append(m);
        }
        const qsizetype pick = qsizetype(rng() % quint32(inFlight.size()));
        Message &m = inFlight[pick];
        ++seconds;
        const qint64 s = seconds / 3;
        char stamp[32];
        std::snprintf(stamp, sizeof stamp, "%s %2d %02d:%02d:%02d", kMonths[(s / 2592000) % 12],
            int(1 + (s / 86400) % 28), int((s / 3600) % 24), int((s / 60) % 60), int(s % 60));
        QByteArray line = QByteArray(stamp) + " mx1 postfix/";
        bool removed = false;
        const QByteArray user = "user" + QByteArray::number(serial++ % 100000);
        switch (m.stage) {
        case 0:
            line += "smtpd[" + QByteArray::number(m.pid) + "]: " + m.id + ": client=app"
                + QByteArray::number(rng() % 50) + ".example.org[198.51.100." + QByteArray::number(rng() % 250) + "]";
            break;
        case 1:
            line += "cleanup[" + QByteArray::number(m.pid + 1) + "]: " + m.id + ": message-id=<" + user + "."
                + QByteArray::number(rng()) + "@example.org>";
            break;
        case 2:
            line += "qmgr[812]: " + m.id + ": from=<news@example.org>, size=" + QByteArray::number(2000 + rng() % 90000)
                + ", nrcpt=" + QByteArray::number(m.rcpts) + " (queue active)";
            break;
        default: {
            if (m.stage - 3 >= m.rcpts) {
                line += "qmgr[812]: " + m.id + ": removed";
                removed = true;
                break;
            }
            const QByteArray pid = QByteArray::number(m.pid + 7);
            const QByteArray rcpt = user + "@mail" + QByteArray::number(rng() % 20) + ".example.net";
            const QByteArray relay = "mx" + QByteArray::number(rng() % 5) + ".example.net[203.0.113."
                + QByteArray::number(rng() % 250) + "]:25";
            line += "smtp[" + pid + "]: " + m.id + ": to=<" + rcpt + ">, relay=" + relay
                + ", delay=1.2, delays=0.05/0.01/0.4/0.74, ";
            switch (rng() % 10) {
            case 0:
                line += "dsn=4.7.1, status=deferred (host " + relay.left(relay.size() - 3) + " said: 451 4.7.1 "
                    + "Greylisted, please try again later (in reply to RCPT TO command))";
                break;
            case 1:
                line += "dsn=5.1.1, status=bounced (host " + relay.left(relay.size() - 3)
                    + " said: 550-5.1.1 The email account that you tried to reach does not exist. Please try "
                      "550-5.1.1 double-checking the recipient's email address for typos or 550 5.1.1 "
                      "unnecessary spaces. (in reply to RCPT TO command))";
                break;
            case 2:
                line += "dsn=5.7.1, status=bounced (host " + relay.left(relay.size() - 3)
                    + " said: 554 5.7.1 Message rejected as spam (in reply to end of DATA command))";
                break;
            default:
                line += "dsn=2.0.0, status=sent (250 2.0.0 OK " + QByteArray::number(rng()) + " queued as "
                    + queueId(rng) + ")";
            }
            break;
        }
        }
        out += line + '\n';
        if (removed)
            inFlight.removeAt(pick);
        else
            ++m.stage;
    }
    return out;
}

// Many swaks runs one after the other: STARTTLS, AUTH, pipelined MAIL/RCPT/DATA, some 550/451 replies.
QByteArray generateSwaks(qint64 targetBytes)
{
    std::mt19937 rng(7);
    QByteArray out;
    out.reserve(targetBytes + 4096);
    int run = 0;
    while (out.size() < targetBytes) {
        const QByteArray n = QByteArray::number(run++);
        QByteArray s;
        s += "=== Trying 127.0.0.1:2525...\n=== Connected to 127.0.0.1.\n";
        s += "<-  220-mx.test.local ESMTP fakesmtp ready\n<-  220 mx.test.local no UCE\n";
        s += " -> EHLO client" + n + ".example.org\n";
        s += "<-  250-mx.test.local Hello [127.0.0.1]\n<-  250-SIZE 35882577\n<-  250-8BITMIME\n"
             "<-  250-STARTTLS\n<-  250-ENHANCEDSTATUSCODES\n<-  250-PIPELINING\n<-  250-CHUNKING\n"
             "<-  250-AUTH PLAIN LOGIN\n<-  250 SMTPUTF8\n";
        s += " -> STARTTLS\n<-  220 2.0.0 Ready to start TLS\n";
        s += "=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256\n";
        s += " ~> EHLO client" + n + ".example.org\n";
        s += "<~  250-mx.test.local Hello [127.0.0.1]\n<~  250-SIZE 35882577\n<~  250-PIPELINING\n"
             "<~  250-AUTH PLAIN LOGIN\n<~  250 ENHANCEDSTATUSCODES\n";
        s += " ~> AUTH LOGIN\n<~  334 VXNlcm5hbWU6\n ~> dXNlckBleGFtcGxlLm9yZw==\n<~  334 UGFzc3dvcmQ6\n"
             " ~> c2VjcmV0\n<~  235 2.7.0 Authentication successful\n";
        s += " ~> MAIL FROM:<sender" + n + "@example.org>\n<~  250 2.1.0 Ok\n";
        const int rcpts = 1 + int(rng() % 3);
        for (int r = 0; r < rcpts; ++r) {
            const quint32 pick = rng() % 8;
            const QByteArray local = pick == 0 ? "unknown" : pick == 1 ? "grey" : "user";
            s += " ~> RCPT TO:<" + local + n + "x" + QByteArray::number(r) + "@example.net>\n";
            if (pick == 0)
                s += "<~* 550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
                     "<~* 550-5.1.1 double-checking the recipient's email address for typos or\n"
                     "<~* 550 5.1.1 unnecessary spaces.\n";
            else if (pick == 1)
                s += "<~* 451 4.7.1 Greylisted, try again later\n";
            else
                s += "<~  250 2.1.5 Ok\n";
        }
        s += " ~> DATA\n<~  354 End data with <CR><LF>.<CR><LF>\n";
        s += " ~> Date: Mon, 23 Nov 2026 10:00:00 +0000\n ~> To: user" + n
            + "@example.net\n"
              " ~> From: sender"
            + n + "@example.org\n ~> Subject: test " + n + "\n ~> Message-Id: <" + n
            + "@example.org>\n ~> X-Mailer: swaks v20201014.0 jetmore.org/john/code/swaks/\n ~> \n";
        const int bodyLines = 3 + int(rng() % 10);
        for (int b = 0; b < bodyLines; ++b)
            s += " ~> This is a test mailing, line " + QByteArray::number(b) + " of the body text.\n";
        s += " ~> \n ~> .\n<~  250 2.0.0 Ok: queued as " + n + "\n ~> QUIT\n<~  221 2.0.0 Bye\n";
        s += "=== Connection closed with remote host.\n";
        out += s;
    }
    return out;
}

// CPU time of this thread: on a machine shared with other builds, wall-clock time mostly measures the load.
double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Minor page faults of the process so far (fresh pages the reader or its allocator touched).
long minorFaults()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

struct Figures
{
    double seconds = 0;
    double cpuSeconds = 0;
    qint64 sessions = 0;
    qint64 steps = 0;
    qint64 unplaced = 0;
    qint64 resultKb = 0; ///< RSS growth while the result is alive: what the model itself holds
    long faults = 0; ///< minor page faults while reading
    QString dialect;
};

Figures readOnce(const QByteArray &input)
{
    releaseFreeMemory();
    const qint64 before = statusKb("VmRSS");
    QElapsedTimer timer;
    timer.start();
    const long faultsBefore = minorFaults();
    const double cpuStart = threadCpuSeconds();
    const Transcript t = TranscriptReader::read(input, QStringLiteral("generated"));
    Figures f;
    f.cpuSeconds = threadCpuSeconds() - cpuStart;
    f.faults = minorFaults() - faultsBefore;
    f.seconds = double(timer.nsecsElapsed()) / 1e9;
    releaseFreeMemory(); // give freed pages back, so that the RSS shows what the result holds
    f.resultKb = statusKb("VmRSS") - before;
    f.dialect = t.dialect;
    f.sessions = t.sessions.size();
    for (const Session &s : t.sessions)
        f.steps += s.steps.size();
    f.unplaced = t.unplaced.size();
    return f;
}

// The same input from a file, its sessions handed over one by one and dropped: the reader's own memory, which
// must not grow with the input.
void runStreamed(const char *name, const QByteArray &input, int repeat)
{
    QTemporaryFile file;
    if (!file.open() || file.write(input) != input.size() || !file.flush()) {
        std::printf("%-8s streamed: cannot write a temporary file\n", name);
        return;
    }
    releaseFreeMemory();
    const qint64 rssBefore = statusKb("VmRSS");
    resetPeakRss();
    double bestCpu = 0;
    double bestWall = 0;
    qint64 sessions = 0;
    long bestFaults = 0;
    for (int i = 0; i < repeat; ++i) {
        sessions = 0;
        QElapsedTimer timer;
        timer.start();
        const long faultsBefore = minorFaults();
        const double cpuStart = threadCpuSeconds();
        TranscriptReader::readFile(file.fileName(), [&](const QString &, Session &&) { ++sessions; });
        const double cpu = threadCpuSeconds() - cpuStart;
        if (i == 0 || cpu < bestCpu) {
            bestCpu = cpu;
            bestWall = double(timer.nsecsElapsed()) / 1e9;
            bestFaults = minorFaults() - faultsBefore;
        }
    }
    const qint64 peak = statusKb("VmHWM");
    const double mb = double(input.size()) / 1e6;
    std::printf("%-8s %6.1f MB: %6.1f MB/s CPU (%.3f s), %6.1f MB/s wall (%.3f s) | streamed from a file: peak RSS "
                "%+.1f MB while reading, %ld page faults | %lld sessions\n",
        name, mb, mb / bestCpu, bestCpu, mb / bestWall, bestWall, double(peak - rssBefore) / 1024.0, bestFaults,
        static_cast<long long>(sessions));
    std::fflush(stdout);
}

void run(const char *name, const QByteArray &input, int repeat)
{
    const qint64 rssBefore = statusKb("VmRSS");
    resetPeakRss();
    Figures best;
    for (int i = 0; i < repeat; ++i) {
        const Figures f = readOnce(input);
        if (i == 0 || f.cpuSeconds < best.cpuSeconds)
            best = f;
    }
    const qint64 peak = statusKb("VmHWM");
    const double mb = double(input.size()) / 1e6;
    std::printf("%-8s %6.1f MB: %6.1f MB/s CPU (%.3f s), %6.1f MB/s wall (%.3f s) | peak RSS %7.1f MB = %.1f MB "
                "before (input, generator) %+.1f MB while reading, %ld page faults; the result holds ~%.1f MB | %s: "
                "%lld sessions, %lld steps, %lld unplaced\n",
        name, mb, mb / best.cpuSeconds, best.cpuSeconds, mb / best.seconds, best.seconds, double(peak) / 1024.0,
        double(rssBefore) / 1024.0, double(peak - rssBefore) / 1024.0, best.faults, double(best.resultKb) / 1024.0,
        qPrintable(best.dialect), static_cast<long long>(best.sessions), static_cast<long long>(best.steps),
        static_cast<long long>(best.unplaced));
    std::fflush(stdout);
    runStreamed(name, input, repeat);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 mb = 100;
    int repeat = 1;
    QString only;
    QString writeDir;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args.at(i) == u"--mb" && i + 1 < args.size())
            mb = args.at(++i).toLongLong();
        else if (args.at(i) == u"--repeat" && i + 1 < args.size())
            repeat = std::max(1, args.at(++i).toInt());
        else if (args.at(i) == u"--only" && i + 1 < args.size())
            only = args.at(++i);
        else if (args.at(i) == u"--write" && i + 1 < args.size())
            writeDir = args.at(++i);
        else {
            std::fprintf(
                stderr, "usage: bench_transcript [--mb N] [--only maillog|swaks] [--repeat R] [--write DIR]\n");
            return 2;
        }
    }
    const qint64 bytes = std::max<qint64>(1, mb) * 1000 * 1000;
    auto save = [&](const QByteArray &data, const QString &name) {
        if (writeDir.isEmpty())
            return;
        QDir().mkpath(writeDir);
        QFile file(writeDir + QLatin1Char('/') + name);
        if (file.open(QIODevice::WriteOnly))
            file.write(data);
    };
    if (only.isEmpty() || only == u"maillog") {
        const QByteArray maillog = generateMaillog(bytes);
        save(maillog, QStringLiteral("maillog.log"));
        run("maillog", maillog, repeat);
    }
    if (only.isEmpty() || only == u"swaks") {
        const QByteArray swaks = generateSwaks(bytes);
        save(swaks, QStringLiteral("swaks.txt"));
        run("swaks", swaks, repeat);
    }
    return 0;
}
