#include "transcript/transcriptreader.h"

#include "transcript/conversationbuilder.h"
#include "transcript/parsers/dialectparsers.h"

#include <QFile>
#include <QStringDecoder>
#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace smtpscope::core {

namespace {

constexpr int kSampleLines = 300;
// From this size on, inputs of line-by-line dialects are read in chunks (see readInChunks).
constexpr qsizetype kChunkedFrom = qsizetype(8) << 20;
constexpr qsizetype kChunkBytes = qsizetype(4) << 20;

// The end of the chunk that starts at @p pos: about @p size bytes, extended to the end of its last line.
qsizetype chunkEnd(const QByteArray &bytes, qsizetype pos, qsizetype size)
{
    if (bytes.size() - pos <= size)
        return bytes.size();
    const qsizetype newline = bytes.indexOf('\n', pos + size);
    return newline < 0 ? bytes.size() : newline + 1;
}

QList<SourceLine> sampleOf(const QList<SourceLine> &lines)
{
    QList<SourceLine> sample;
    for (const SourceLine &l : lines) {
        if (l.wrapperOnly || l.text.trimmed().isEmpty())
            continue;
        sample.append(l);
        if (sample.size() >= kSampleLines)
            break;
    }
    return sample;
}

// A run of lines read by one dialect parser.
struct Segment
{
    const TranscriptParser *parser = nullptr;
    qsizetype begin = 0;
    qsizetype end = 0;
};

// FORMATS.md §14: a paste may hold several dialects (a PHPMailer transcript and the receiving Postfix
// log). Blocks split at blank lines keep the current dialect while it recognises them at all; a block
// it does not recognise switches to another dialect only on a unique signature (score >= 60).
QList<Segment> segmentsOf(const QList<SourceLine> &lines, const TranscriptParser *first)
{
    constexpr int kMinBlockLines = 3;
    constexpr int kSwitchScore = 60;
    QList<Segment> segments { { first, 0, lines.size() } };
    qsizetype i = 0;
    while (i < lines.size()) {
        while (i < lines.size() && (lines.at(i).wrapperOnly || lines.at(i).text.trimmed().isEmpty()))
            ++i;
        const qsizetype begin = i;
        while (i < lines.size() && !(lines.at(i).wrapperOnly || lines.at(i).text.trimmed().isEmpty()))
            ++i;
        if (begin == 0 || i - begin < kMinBlockLines)
            continue;
        const QList<SourceLine> block = sampleOf(lines.mid(begin, i - begin));
        const TranscriptParser *current = segments.last().parser;
        if (current->score(block) > 0)
            continue;
        const TranscriptParser *best = nullptr;
        int bestScore = kSwitchScore - 1;
        for (const TranscriptParser *p : TranscriptReader::parsers()) {
            const int score = p == current ? 0 : p->score(block);
            if (score > bestScore) {
                best = p;
                bestScore = score;
            }
        }
        if (!best)
            continue;
        segments.last().end = begin;
        segments.append({ best, begin, lines.size() });
    }
    return segments;
}

} // namespace

const QList<const TranscriptParser *> &TranscriptReader::parsers()
{
    using namespace parsers;
    // Specific signatures first: on equal scores the earlier parser wins; raw is the fallback.
    static const SwaksParser swaks;
    static const PhpMailerParser phpmailer;
    static const SmtplibParser smtplib;
    static const MailKitParser mailkit;
    static const NodemailerParser nodemailer;
    static const CurlParser curl;
    static const JavaMailParser javamail;
    static const ExchangeParser exchange;
    static const PostfixDebugParser postfixDebug;
    static const PostfixLogParser postfixLog;
    static const EximDebugParser eximDebug;
    static const EximLogParser eximLog;
    static const SendmailVerboseParser sendmailVerbose;
    static const SendmailLogParser sendmailLog;
    static const MsmtpParser msmtp;
    static const GoMailParser gomail;
    static const HarakaParser haraka;
    static const RawParser raw;
    static const QList<const TranscriptParser *> all { &swaks, &phpmailer, &smtplib, &mailkit, &nodemailer, &curl,
        &javamail, &exchange, &postfixDebug, &postfixLog, &eximDebug, &eximLog, &sendmailVerbose, &sendmailLog, &msmtp,
        &gomail, &haraka, &raw };
    return all;
}

const TranscriptParser *TranscriptReader::parser(const QString &id)
{
    for (const TranscriptParser *p : parsers())
        if (p->id() == id)
            return p;
    return nullptr;
}

QList<DialectScore> TranscriptReader::scores(const QList<SourceLine> &lines)
{
    const QList<SourceLine> sample = sampleOf(lines);
    QList<DialectScore> result;
    if (sample.isEmpty())
        return result;
    for (const TranscriptParser *p : parsers()) {
        const int score = p->score(sample);
        if (score > 0)
            result.append({ p->id(), score });
    }
    std::stable_sort(
        result.begin(), result.end(), [](const DialectScore &a, const DialectScore &b) { return a.score > b.score; });
    return result;
}

QString TranscriptReader::detect(const QList<SourceLine> &lines)
{
    const QList<DialectScore> all = scores(lines);
    return all.isEmpty() ? QString() : all.first().dialect;
}

Transcript TranscriptReader::parseLines(const QList<SourceLine> &lines, const QString &dialect, const QString &source)
{
    Transcript t;
    t.source = source;
    t.lineCount = lines.isEmpty() ? 0 : lines.last().number;
    const QString id = dialect.isEmpty() ? detect(lines) : dialect;
    const TranscriptParser *p = parser(id);
    if (!p) {
        t.error = lines.isEmpty() ? QStringLiteral("the input is empty")
                                  : QStringLiteral("not an SMTP transcript or mail log: no known tool's output "
                                                   "was recognised in it (such as \"250 OK\" replies, \"<<< \" "
                                                   "or \"S: \" lines, or a mail log's status= lines)");
        return t;
    }
    const QList<Segment> segments
        = dialect.isEmpty() ? segmentsOf(lines, p) : QList<Segment> { { p, 0, lines.size() } };
    // The builder takes each line as the parser reads it: no list of all protocol lines is kept.
    ConversationAssembler builder(&t.unplaced);
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const Segment &seg = segments.at(i);
        // Sessions of different dialects never merge, even when their keys look alike.
        const QString prefix = i > 0 ? QStringLiteral("#%1:").arg(i) : QString();
        seg.parser->parseInto(lines.mid(seg.begin, seg.end - seg.begin), [&](ProtocolLine &&l) {
            if (!prefix.isEmpty())
                l.session.prepend(prefix);
            builder.add(l);
        });
    }
    t.sessions = builder.finish();
    if (t.sessions.isEmpty()) {
        t.error = QStringLiteral("not an SMTP transcript or mail log: no conversation or delivery found");
        return t;
    }
    t.dialect = id;
    return t;
}

namespace {

Transcript readWhole(const QByteArray &bytes, const QString &source)
{

    StrippedText stripped = WrapperStripper::strip(bytes);
    if (!stripped.error.isEmpty()) {
        Transcript t;
        t.source = source;
        t.error = stripped.error;
        return t;
    }
    return TranscriptReader::parseLines(stripped.lines, {}, source);
}

} // namespace

namespace {

constexpr qsizetype kMaxWaitingSessions = 10000;

// readInChunks(), optionally handing each session to @p sink as soon as it is complete, and telling
// @p drop which bytes (from, to) it is done with (the pages of a mapped file can then go).
Transcript readChunked(const QByteArray &bytes, const QString &source, qsizetype chunkBytes,
    const TranscriptReader::SessionSink *sink, const std::function<void(qsizetype, qsizetype)> &drop)
{
    chunkBytes = std::max<qsizetype>(chunkBytes, 1024);
    auto whole = [&] {
        Transcript t = readWhole(bytes, source);
        if (sink) {
            for (Session &s : t.sessions)
                (*sink)(t.dialect, std::move(s));
            t.sessions.clear();
        }
        return t;
    };
    if (WrapperStripper::looksBinary(bytes) || !bytes.contains('\n'))
        return whole(); // says why, or a single line: nothing to gain
    // UTF-8 when all of it is (checked a chunk of whole lines at a time: a newline never splits a sequence).
    bool utf8 = true;
    for (qsizetype pos = 0; pos < bytes.size() && utf8;) {
        const qsizetype end = chunkEnd(bytes, pos, chunkBytes);
        utf8 = QByteArrayView(bytes.constData() + pos, end - pos).isValidUtf8();
        if (drop)
            drop(pos, end);
        pos = end;
    }
    // Like WrapperStripper::strip(QByteArray): UTF-8, else Latin-1 (Windows-1252 logs), without a BOM.
    auto decode = [&](qsizetype from, qsizetype to) {
        const QByteArrayView piece(bytes.constData() + from, to - from);
        QString text = utf8 ? QString::fromUtf8(piece) : QString::fromLatin1(piece);
        if (from == 0 && text.startsWith(QChar(0xfeff)))
            text.remove(0, 1);
        return text;
    };
    // decode() into @p text, reusing its buffer: the chunks of a large input take the same two buffers.
    auto decodeInto = [&](QString &text, qsizetype from, qsizetype to) {
        if (!utf8) {
            text = decode(from, to);
            return;
        }
        const QByteArrayView piece(bytes.constData() + from, to - from);
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom); // as fromUtf8()
        text.resize(piece.size()); // UTF-8 never takes more UTF-16 units than bytes
        QChar *const begin = text.data();
        text.truncate(decoder.appendToBuffer(begin, piece) - begin);
        if (from == 0 && text.startsWith(QChar(0xfeff)))
            text.remove(0, 1);
    };
    // The dialect, from the head as the whole read would see it; a mixed head is read whole.
    const QList<SourceLine> head = WrapperStripper::strip(decode(0, chunkEnd(bytes, 0, 256 * 1024))).lines;
    const TranscriptParser *p = TranscriptReader::parser(TranscriptReader::detect(head));
    std::unique_ptr<ProtocolLineStream> stream = p ? p->openStream() : nullptr;
    if (!stream || segmentsOf(head, p).size() > 1 || bytes.size() <= chunkBytes)
        return whole();

    Transcript t;
    t.source = source;
    ConversationAssembler builder(&t.unplaced);
    const QString dialect = p->id();
    qsizetype released = 0;
    if (sink)
        builder.releaseTo(
            [&](Session &&s) {
                ++released;
                (*sink)(dialect, std::move(s));
            },
            kMaxWaitingSessions);
    const ProtocolSink lineSink = [&builder](ProtocolLine &&l) { builder.add(l); };
    // The stream reads each chunk's lines as views into its decoded text (or, when wrappers other than
    // syslog prefixes are to be removed, into the lines strip() made of it). A stream may keep the last
    // line of a chunk while it reads the next one, so the chunk before stays alive.
    struct Chunk
    {
        QString text;
        QList<SourceLine> lines;
        QList<SourceLineView> views;
    };
    Chunk chunks[2];
    int current = 0;
    int lineOffset = 0;
    for (qsizetype pos = 0; pos < bytes.size();) {
        const qsizetype end = chunkEnd(bytes, pos, chunkBytes);
        Chunk &chunk = chunks[current];
        current ^= 1;
        // The chunk read two steps ago makes room for the next one: at most two exist at a time.
        chunk.lines.clear();
        decodeInto(chunk.text, pos, end);
        if (drop)
            drop(pos, end);
        if (!WrapperStripper::stripToViews(chunk.text, &chunk.views)) {
            chunk.lines = WrapperStripper::strip(chunk.text).lines;
            chunk.views.reserve(chunk.lines.size());
            for (const SourceLine &l : std::as_const(chunk.lines))
                chunk.views.append(SourceLineView(l));
        }
        for (SourceLineView &l : chunk.views) {
            l.number += lineOffset;
            stream->addView(l, lineSink);
        }
        if (!chunk.views.isEmpty())
            lineOffset = chunk.views.last().number;
        pos = end;
        if (sink) {
            const int held = stream->heldBackFrom();
            builder.release(held > 0 ? std::min(held, lineOffset + 1) : lineOffset + 1);
        }
    }
    stream->finish(lineSink);
    t.lineCount = lineOffset;
    t.sessions = builder.finish();
    if (t.sessions.isEmpty() && released == 0) {
        t.error = QStringLiteral("not an SMTP transcript or mail log: no conversation or delivery found");
        return t;
    }
    t.dialect = dialect;
    return t;
}

/// Opens @p path for reading, standard input for "-".
bool openInput(QFile &file, const QString &path)
{
    if (path == u"-")
        return file.open(stdin, QIODevice::ReadOnly);
    file.setFileName(path);
    return file.open(QIODevice::ReadOnly);
}

Transcript unreadable(const QString &path, const QFile &file)
{
    Transcript t;
    t.source = path;
    t.error = QStringLiteral("cannot read: ") + file.errorString();
    return t;
}

} // namespace

Transcript TranscriptReader::readInChunks(const QByteArray &bytes, const QString &source, qsizetype chunkBytes)
{
    return readChunked(bytes, source, chunkBytes, nullptr, {});
}

Transcript TranscriptReader::read(const QByteArray &bytes, const QString &source)
{
    return bytes.size() >= kChunkedFrom ? readInChunks(bytes, source, kChunkBytes) : readWhole(bytes, source);
}

Transcript TranscriptReader::readFile(const QString &path, const SessionSink &sink)
{
    QFile file;
    const bool stdinput = path == u"-";
    if (!openInput(file, path))
        return unreadable(path, file);
    const qsizetype size = stdinput ? 0 : qsizetype(file.size());
    uchar *mapped = size >= kChunkedFrom ? file.map(0, size) : nullptr;
    if (!mapped) {
        const QByteArray bytes = file.readAll();
        if (bytes.size() >= kChunkedFrom)
            return readChunked(bytes, path, kChunkBytes, &sink, {});
        Transcript t = readWhole(bytes, path);
        for (Session &s : t.sessions)
            sink(t.dialect, std::move(s));
        t.sessions.clear();
        return t;
    }
    // The mapping is read a chunk at a time; the pages of each chunk go once it is parsed, so that the
    // file never is in memory whole.
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(mapped), size);
    auto drop = [mapped](qsizetype from, qsizetype to) {
#ifdef Q_OS_UNIX
        const qsizetype page = qsizetype(sysconf(_SC_PAGESIZE));
        const qsizetype first = (from + page - 1) / page * page;
        const qsizetype last = to / page * page;
        if (last > first)
            madvise(mapped + first, size_t(last - first), MADV_DONTNEED);
#else
        Q_UNUSED(mapped);
        Q_UNUSED(from);
        Q_UNUSED(to);
#endif
    };
    Transcript t = readChunked(bytes, path, kChunkBytes, &sink, drop);
    file.unmap(mapped);
    return t;
}

Transcript TranscriptReader::readFile(const QString &path)
{
    QFile file;
    if (!openInput(file, path))
        return unreadable(path, file);
    return read(file.readAll(), path);
}

} // namespace smtpscope::core
