#include "bounce/messagesource.h"

#include "bounce/mboxreader.h"

#include <QFile>
#include <QList>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <unistd.h>

namespace fs = std::filesystem;

namespace smtpscope::core {

namespace {

// A file or a folder entry to read; `error` is set for a folder that could not be listed.
struct FolderEntry
{
    QString relative;
    QString error;
};

QString cannotRead(const QString &reason)
{
    return QStringLiteral("cannot read: ") + reason;
}

QString fromStd(const std::string &s)
{
    return QString::fromLocal8Bit(s.data(), qsizetype(s.size()));
}

QString fileName(const fs::path &path)
{
    const fs::path name = path.filename();
    return QFile::decodeName(QByteArray(name.native().data(), qsizetype(name.native().size())));
}

QString joined(const QString &base, const QString &name)
{
    return base.isEmpty() ? name : base + QLatin1Char('/') + name;
}

bool isDirectory(const fs::path &path)
{
    std::error_code ec;
    return fs::is_directory(path, ec);
}

bool isMaildir(const fs::path &dir)
{
    return isDirectory(dir / "cur") && isDirectory(dir / "new");
}

enum class Kind { File, Directory, Other };

// Symbolic links to files are read; links to folders are not followed, so a link cannot make the walk loop.
Kind kindOf(const fs::directory_entry &entry)
{
    std::error_code ec;
    const fs::file_status link = entry.symlink_status(ec);
    if (ec)
        return Kind::Other;
    if (fs::is_symlink(link)) {
        const fs::file_status target = entry.status(ec);
        return !ec && fs::is_regular_file(target) ? Kind::File : Kind::Other;
    }
    if (fs::is_directory(link))
        return Kind::Directory;
    return fs::is_regular_file(link) ? Kind::File : Kind::Other;
}

// Appends the entries of `dir` to `out`, `relative` being the path of `dir` inside the folder given.
// Within a Maildir (RFC-less but well known: cur/ new/ tmp/) only cur/ and new/ hold messages; tmp/ holds
// messages still being delivered, and the other files are the mail server's indexes.
void collect(const fs::path &dir, const QString &relative, QList<FolderEntry> &out)
{
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        out.append({ relative, cannotRead(fromStd(ec.message())) });
        return;
    }
    const bool maildir = isMaildir(dir);
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) {
            out.append({ relative, cannotRead(fromStd(ec.message())) });
            return;
        }
        const QString name = fileName(it->path());
        const QString childRelative = joined(relative, name);
        const Kind kind = kindOf(*it);
        if (!maildir) {
            // Hidden entries are tools' files (.git, .DS_Store, .gitattributes), never messages.
            if (name.startsWith(QLatin1Char('.')))
                continue;
            if (kind == Kind::Directory)
                collect(it->path(), childRelative, out);
            else if (kind == Kind::File)
                out.append({ childRelative, {} });
            continue;
        }
        if (kind != Kind::Directory)
            continue;
        if (name == QLatin1String("cur") || name == QLatin1String("new")) {
            fs::directory_iterator messages(it->path(), ec);
            if (ec) {
                out.append({ childRelative, cannotRead(fromStd(ec.message())) });
                ec.clear();
                continue;
            }
            for (; messages != end; messages.increment(ec)) {
                if (ec)
                    break;
                const QString messageName = fileName(messages->path());
                if (!messageName.startsWith(QLatin1Char('.')) && kindOf(*messages) == Kind::File)
                    out.append({ joined(childRelative, messageName), {} });
            }
            ec.clear();
        } else if (name.startsWith(QLatin1Char('.')) && isMaildir(it->path())) {
            collect(it->path(), childRelative, out); // a Maildir++ folder
        }
    }
}

QList<FolderEntry> walk(const QString &folder)
{
    QList<FolderEntry> entries;
    collect(fs::path(QFile::encodeName(folder).toStdString()), QString(), entries);
    std::sort(entries.begin(), entries.end(),
        [](const FolderEntry &a, const FolderEntry &b) { return a.relative < b.relative; });
    return entries;
}

QString noteForSize(qint64 size)
{
    if (size == 0)
        return QStringLiteral("empty file");
    if (size < 4)
        return QStringLiteral("too short to be a message");
    return {};
}

} // namespace

struct MessageSource::Private
{
    QStringList paths;
    qsizetype nextPath = 0;

    // the folder being read
    QString folderRoot; ///< as given
    QString folderPrefix; ///< folderRoot ending in one '/'
    QList<FolderEntry> entries;
    qsizetype nextEntry = 0;

    // the mbox (or stdin) being read
    std::unique_ptr<QFile> file;
    std::unique_ptr<MboxReader> reader;
    QString readerSource;
    int readerIndex = 0;

    qint64 bytesDone = 0;
    int unreadable = 0;

    RawMessage unreadableMessage(const QString &source, const QString &reason)
    {
        ++unreadable;
        RawMessage m;
        m.source = source;
        m.index = 1;
        m.note = reason;
        m.unreadable = true;
        return m;
    }

    void finishReader()
    {
        if (reader)
            bytesDone += reader->bytesRead();
        reader.reset();
        file.reset();
    }

    bool startReader(std::unique_ptr<QFile> device, const QString &source)
    {
        file = std::move(device);
        reader = std::make_unique<MboxReader>(file.get());
        readerSource = source;
        readerIndex = 0;
        return true;
    }

    // Reads one file: either the whole message now, or (an mbox) sets up the reader; returns true with
    // `message` filled when there is a message to hand out now.
    bool openFile(const QString &path, const QString &source, RawMessage &message)
    {
        auto f = std::make_unique<QFile>(path);
        if (!f->open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
            message = unreadableMessage(source, cannotRead(f->errorString()));
            return true;
        }
        constexpr qint64 prefixSize = 1024; // enough for a From_ line
        QByteArray bytes = f->read(prefixSize);
        if (MboxReader::isFromLine(bytes.constData(), bytes.size())) {
            if (!f->seek(0)) {
                message = unreadableMessage(source, cannotRead(f->errorString()));
                return true;
            }
            startReader(std::move(f), source);
            return false;
        }
        if (f->error() == QFileDevice::NoError && bytes.size() == prefixSize) {
            // Read again from the start in one piece: appending to the prefix would copy a large file twice.
            if (f->seek(0))
                bytes = f->readAll();
            else
                bytes += f->readAll();
        }
        if (f->error() != QFileDevice::NoError) {
            message = unreadableMessage(source, cannotRead(f->errorString()));
            return true;
        }
        bytesDone += bytes.size();
        message = RawMessage();
        message.source = source;
        message.index = 1;
        message.note = noteForSize(bytes.size());
        normaliseLineEnds(bytes);
        message.bytes = std::move(bytes);
        return true;
    }

    bool openStdin(RawMessage &message)
    {
        auto in = std::make_unique<QFile>();
        if (!in->open(STDIN_FILENO, QIODevice::ReadOnly | QIODevice::Unbuffered)) {
            message = unreadableMessage(QStringLiteral("-"), cannotRead(in->errorString()));
            return true;
        }
        startReader(std::move(in), QStringLiteral("-"));
        if (reader->startsLikeMbox())
            return false;
        message = RawMessage();
        message.source = readerSource;
        message.index = 1;
        message.bytes = reader->readAll();
        message.note = noteForSize(reader->bytesRead());
        if (!reader->errorString().isEmpty()) {
            message.note = cannotRead(reader->errorString());
            message.unreadable = true;
            ++unreadable;
        }
        finishReader();
        return true;
    }
};

MessageSource::MessageSource(const QStringList &paths)
    : d(std::make_unique<Private>())
{
    d->paths = paths;
}

MessageSource::~MessageSource() = default;

bool MessageSource::next(RawMessage &message)
{
    while (true) {
        if (d->reader) {
            QByteArray bytes;
            if (d->reader->nextMessage(bytes)) {
                message = RawMessage();
                message.source = d->readerSource;
                message.index = ++d->readerIndex;
                if (bytes.isEmpty())
                    message.note = QStringLiteral("empty message");
                message.bytes = std::move(bytes);
                if (!d->reader->errorString().isEmpty()) {
                    message.note = cannotRead(d->reader->errorString());
                    message.unreadable = true;
                    ++d->unreadable;
                    d->finishReader();
                }
                return true;
            }
            d->finishReader();
            continue;
        }
        if (d->nextEntry < d->entries.size()) {
            const FolderEntry &entry = d->entries.at(d->nextEntry++);
            const QString source = entry.relative.isEmpty() ? d->folderRoot : d->folderPrefix + entry.relative;
            if (!entry.error.isEmpty()) {
                message = d->unreadableMessage(source, entry.error);
                return true;
            }
            if (d->openFile(source, source, message))
                return true;
            continue;
        }
        d->entries.clear();
        d->nextEntry = 0;
        if (d->nextPath >= d->paths.size())
            return false;

        const QString path = d->paths.at(d->nextPath++);
        if (path == QLatin1String("-")) {
            if (d->openStdin(message))
                return true;
            continue;
        }
        std::error_code ec;
        const fs::path fsPath(QFile::encodeName(path).toStdString());
        const fs::file_status status = fs::status(fsPath, ec);
        if (ec) {
            message = d->unreadableMessage(path, cannotRead(fromStd(ec.message())));
            return true;
        }
        if (fs::is_directory(status)) {
            QString prefix = path;
            while (prefix.endsWith(QLatin1Char('/')))
                prefix.chop(1);
            d->folderRoot = path;
            d->folderPrefix = prefix + QLatin1Char('/');
            d->entries = walk(path);
            continue;
        }
        if (d->openFile(path, path, message))
            return true;
    }
}

qint64 MessageSource::bytesRead() const
{
    return d->bytesDone + (d->reader ? d->reader->bytesRead() : 0);
}

int MessageSource::unreadableCount() const
{
    return d->unreadable;
}

QStringList MessageSource::listFolder(const QString &folder)
{
    QStringList files;
    for (const FolderEntry &entry : walk(folder)) {
        if (entry.error.isEmpty())
            files.append(entry.relative);
    }
    return files;
}

} // namespace smtpscope::core
