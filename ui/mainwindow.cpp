#include "mainwindow.h"

#include "bounceview.h"
#include "codereferenceview.h"
#include "decodepane.h"
#include "documentloader.h"
#include "documentmodel.h"
#include "documentview.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace smtpscope::ui {

namespace {

const QString geometryKey = QStringLiteral("MainWindow/geometry");
const QString stateKey = QStringLiteral("MainWindow/state");
const QString tabKey = QStringLiteral("MainWindow/tab");
const QString decodeSplitterKey = QStringLiteral("DecodePane/splitter");
const QString referenceSplitterKey = QStringLiteral("CodeReference/splitter");
const QString documentsSplitterKey = QStringLiteral("Documents/splitter");
const QString documentSplitterKey = QStringLiteral("Documents/documentSplitter");
const QString sourceSplitterKey = QStringLiteral("Documents/sourceSplitter");
const QString bounceSplitterKey = QStringLiteral("Documents/bounceSplitter");
const QString recentKey = QStringLiteral("Recent/files");
const QString lastDirKey = QStringLiteral("Recent/directory");

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_kb(core::KnowledgeBase::builtIn())
{
    setWindowTitle(QStringLiteral("Smtpscope"));
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral("smtpscope"), QIcon(QStringLiteral(":/icons/smtpscope.svg"))));

    if (!m_kb) {
        createMenus();
        showKnowledgeBaseError();
    } else {
        m_tabs = new QTabWidget(this);
        m_tabs->setObjectName(QStringLiteral("mainTabs"));
        m_tabs->setDocumentMode(true);
        createDocumentsTab();
        m_decode = new DecodePane(m_kb, m_tabs);
        m_decode->setObjectName(QStringLiteral("decodePane"));
        m_reference = new CodeReferenceView(m_kb, m_tabs);
        m_reference->setObjectName(QStringLiteral("codeReference"));
        m_tabs->addTab(m_decode, QStringLiteral("&Decode a reply"));
        m_tabs->addTab(m_reference, QStringLiteral("Code &reference"));
        setCentralWidget(m_tabs);
        setAcceptDrops(true);
        createMenus();

        const core::KbData &d = m_kb->data();
        statusBar()->showMessage(QStringLiteral("Knowledge base %1: %2 reply codes, %3 enhanced codes, %4 providers, "
                                                "%5 rules")
                                     .arg(m_kb->version())
                                     .arg(d.replyCodes.size())
                                     .arg(d.enhancedCodes.size())
                                     .arg(d.providers.size())
                                     .arg(d.rules.size()));
        m_statusProgress = new QProgressBar(this);
        m_statusProgress->setObjectName(QStringLiteral("statusProgress"));
        m_statusProgress->setMaximumWidth(180);
        m_statusProgress->setRange(0, 0);
        m_statusProgress->hide();
        m_statusStop = new QToolButton(this);
        m_statusStop->setText(QStringLiteral("Stop"));
        m_statusStop->setToolTip(QStringLiteral("Stop every input still loading"));
        m_statusStop->hide();
        connect(m_statusStop, &QToolButton::clicked, this, [this] {
            for (int row = m_documents->rowCount() - 1; row >= 0; --row) {
                const QModelIndex index = m_documents->index(row);
                if (index.data(DocumentModel::LoadingRole).toBool())
                    m_loader->cancel(index.data(DocumentModel::JobRole).toInt());
            }
        });
        statusBar()->addPermanentWidget(m_statusProgress);
        statusBar()->addPermanentWidget(m_statusStop);
    }
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocumentsTab()
{
    m_documents = new DocumentModel(this);
    m_loader = new DocumentLoader(m_kb, this);

    auto *page = new QWidget(m_tabs);
    page->setObjectName(QStringLiteral("documentsPage"));
    m_documentsSplitter = new QSplitter(Qt::Horizontal, page);
    m_documentList = new QListView(m_documentsSplitter);
    m_documentList->setObjectName(QStringLiteral("documentList"));
    m_documentList->setModel(m_documents);
    m_documentList->setUniformItemSizes(true);
    m_documentList->setTextElideMode(Qt::ElideRight);
    m_documentList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_documentList->setMinimumWidth(160);
    m_documentList->setToolTip(QStringLiteral("Opened transcripts and bounces; Delete closes one"));
    m_documentList->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_documentStack = new QStackedWidget(m_documentsSplitter);
    m_empty = new QLabel(m_documentStack);
    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setTextFormat(Qt::RichText);
    m_empty->setMargin(24);
    m_empty->setText(QStringLiteral(
        "<h2>Drop a bounce or an SMTP transcript here</h2>"
        "<p>Bounces: <b>.eml</b> files, <b>mbox</b> files or <b>Maildir</b> folders. Transcripts: swaks, "
        "PHPMailer, smtplib, curl, MailKit, Nodemailer, openssl s_client or telnet sessions, Postfix, Exim and "
        "Sendmail logs.</p>"
        "<p><a href=\"open\">Open a file…</a> (Ctrl+O) &nbsp;·&nbsp; <a href=\"paste\">Paste text</a> (Ctrl+V)</p>"
        "<p>Smtpscope shows the conversation step by step, each reply decoded, and for bounces every recipient "
        "with the reason, hard or soft, and what to do.</p>"));
    connect(m_empty, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == u"open")
            openDialog();
        else
            pasteDocument();
    });
    m_documentView = new DocumentView(m_kb, m_documentStack);
    m_documentView->setObjectName(QStringLiteral("documentView"));
    m_documentStack->addWidget(m_empty);
    m_documentStack->addWidget(m_documentView);
    m_documentsSplitter->addWidget(m_documentList);
    m_documentsSplitter->addWidget(m_documentStack);
    m_documentsSplitter->setStretchFactor(0, 0);
    m_documentsSplitter->setStretchFactor(1, 1);
    m_documentsSplitter->setSizes({ 210, 1030 });
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_documentsSplitter);
    m_tabs->addTab(page, QStringLiteral("D&ocuments"));

    connect(m_documentList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &MainWindow::showCurrentDocument);
    connect(m_documents, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft) {
        if (topLeft.row() == currentDocument())
            showCurrentDocument();
    });
    connect(m_documents, &QAbstractItemModel::rowsRemoved, this, &MainWindow::showCurrentDocument);
    connect(m_loader, &DocumentLoader::progress, this,
        [this](int job, int permille) { m_documents->setProgress(job, permille); });
    connect(m_loader, &DocumentLoader::finished, this, [this](int job, DocumentPtr doc) {
        if (doc && !doc->path.isEmpty() && doc->kind != Document::Kind::Error)
            addRecentFile(doc->path);
        m_documents->setDocument(job, std::move(doc));
        updateStatus();
    });
    connect(m_loader, &DocumentLoader::cancelled, this, [this](int job) {
        m_documents->removeJob(job);
        updateStatus();
    });
    connect(m_documentView, &DocumentView::stopRequested, this, [this] {
        const int row = currentDocument();
        if (row >= 0)
            m_loader->cancel(m_documents->index(row).data(DocumentModel::JobRole).toInt());
    });
    connect(m_documentView, &DocumentView::codeRequested, this, &MainWindow::openCode);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    if (m_kb) {
        QAction *open = file->addAction(
            QIcon::fromTheme(QStringLiteral("document-open")), QStringLiteral("&Open…"), this, &MainWindow::openDialog);
        open->setShortcut(QKeySequence::Open);
        open->setToolTip(QStringLiteral("Open transcripts, logs, bounce messages or mbox files"));
        file->addAction(QStringLiteral("Open &Folder…"), this, &MainWindow::openFolderDialog)
            ->setToolTip(QStringLiteral("Open a folder or Maildir of bounce messages"));
        m_recentMenu = file->addMenu(QStringLiteral("Open &Recent"));
        m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
        connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
        fillRecentMenu();
        QAction *close = file->addAction(QStringLiteral("&Close Document"), this, &MainWindow::closeCurrentDocument);
        close->setShortcut(QKeySequence::Close);
        m_documentList->addAction(close);
        file->addSeparator();
    }
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    if (m_kb) {
        QAction *paste = edit->addAction(QIcon::fromTheme(QStringLiteral("edit-paste")),
            QStringLiteral("&Paste as Document"), this, &MainWindow::pasteDocument);
        paste->setObjectName(QStringLiteral("pasteAction"));
        paste->setShortcut(QKeySequence::Paste);
        paste->setToolTip(QStringLiteral("Open the clipboard's transcript or bounce text as a document"));
    }
    QAction *find = edit->addAction(QStringLiteral("&Find"), this, &MainWindow::find);
    find->setShortcut(QKeySequence::Find);
    find->setEnabled(m_kb != nullptr);

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction *about = help->addAction(QStringLiteral("&About Smtpscope"), this, &MainWindow::about);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::showKnowledgeBaseError()
{
    // builtIn() only says that loading failed; loading again gives the reasons.
    const core::KbLoadResult result = core::KnowledgeBase::load();
    auto *label = new QLabel(this);
    label->setObjectName(QStringLiteral("knowledgeBaseError"));
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    label->setMargin(16);
    label->setText(QStringLiteral("The built-in knowledge base could not be loaded, so nothing can be decoded.\n\n")
        + (result.errorText().isEmpty() ? QStringLiteral("No further detail is known.") : result.errorText()));
    setCentralWidget(label);
}

void MainWindow::showTab(Tab tab)
{
    if (m_tabs)
        m_tabs->setCurrentIndex(tab);
}

void MainWindow::find()
{
    if (!m_tabs)
        return;
    if (m_tabs->currentIndex() == DocumentsTab && m_documentStack->currentWidget() == m_documentView) {
        m_documentView->focusFind();
        return;
    }
    showTab(ReferenceTab);
    m_reference->focusSearch();
}

void MainWindow::openCode(const QString &code)
{
    if (!m_reference)
        return;
    m_reference->setSearchText(code);
    showTab(ReferenceTab);
}

void MainWindow::openPaths(const QStringList &paths)
{
    if (!m_loader)
        return;
    int firstRow = -1;
    for (const QString &path : paths) {
        if (path.isEmpty())
            continue;
        const QFileInfo info(path);
        const int job = m_loader->openPath(path);
        const int row
            = m_documents->addLoading(job, info.fileName().isEmpty() ? path : info.fileName(), info.absoluteFilePath());
        if (firstRow < 0)
            firstRow = row;
    }
    if (firstRow >= 0) {
        showTab(DocumentsTab);
        setCurrentDocument(firstRow);
    }
    updateStatus();
}

void MainWindow::openText(const QByteArray &bytes)
{
    if (!m_loader)
        return;
    const QString title = QStringLiteral("Pasted text %1").arg(++m_pasteCount);
    const int job = m_loader->openText(bytes, title);
    const int row = m_documents->addLoading(job, title, QString());
    showTab(DocumentsTab);
    setCurrentDocument(row);
    updateStatus();
}

bool MainWindow::openMimeData(const QMimeData *mime)
{
    if (!mime)
        return false;
    QStringList paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    if (!paths.isEmpty()) {
        openPaths(paths);
        return true;
    }
    if (mime->hasText() && !mime->text().trimmed().isEmpty()) {
        openText(mime->text().toUtf8());
        return true;
    }
    return false;
}

void MainWindow::pasteDocument()
{
    if (!openMimeData(QGuiApplication::clipboard()->mimeData()))
        statusBar()->showMessage(QStringLiteral("The clipboard holds no text or files to open."), 5000);
}

int MainWindow::currentDocument() const
{
    if (!m_documentList)
        return -1;
    const QModelIndex current = m_documentList->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void MainWindow::setCurrentDocument(int row)
{
    if (!m_documentList || row < 0 || row >= m_documents->rowCount())
        return;
    m_documentList->setCurrentIndex(m_documents->index(row));
}

void MainWindow::closeCurrentDocument()
{
    const int row = currentDocument();
    if (row < 0)
        return;
    const QModelIndex index = m_documents->index(row);
    if (index.data(DocumentModel::LoadingRole).toBool())
        m_loader->cancel(index.data(DocumentModel::JobRole).toInt());
    else
        m_documents->removeRow(row);
    updateStatus();
}

void MainWindow::showCurrentDocument()
{
    const int row = currentDocument();
    if (row < 0) {
        m_documentView->setDocument(nullptr);
        m_documentStack->setCurrentWidget(m_empty);
        setWindowTitle(QStringLiteral("Smtpscope"));
        return;
    }
    m_documentStack->setCurrentWidget(m_documentView);
    const QModelIndex index = m_documents->index(row);
    const DocumentPtr doc = m_documents->document(row);
    const QString title = index.data(DocumentModel::SortRole).toString();
    setWindowTitle(title + QStringLiteral(" — Smtpscope"));
    if (!doc) {
        m_documentView->showLoading(title, index.data(DocumentModel::ProgressRole).toInt());
        return;
    }
    if (m_documentView->document() != doc)
        m_documentView->setDocument(doc);
}

void MainWindow::updateStatus()
{
    if (!m_statusProgress)
        return;
    const bool busy = m_loader->runningCount() > 0;
    m_statusProgress->setVisible(busy);
    m_statusStop->setVisible(busy);
    if (busy)
        statusBar()->showMessage(QStringLiteral("Loading %1 input(s)…").arg(m_loader->runningCount()));
    else
        statusBar()->clearMessage();
}

void MainWindow::openDialog()
{
    QSettings settings;
    const QStringList files = QFileDialog::getOpenFileNames(this, QStringLiteral("Open transcripts or bounces"),
        settings.value(lastDirKey, QDir::homePath()).toString(),
        QStringLiteral("Messages and logs (*.eml *.msg *.txt *.log *.mbox *.html);;All files (*)"));
    if (files.isEmpty())
        return;
    settings.setValue(lastDirKey, QFileInfo(files.first()).absolutePath());
    openPaths(files);
}

void MainWindow::openFolderDialog()
{
    QSettings settings;
    const QString dir = QFileDialog::getExistingDirectory(
        this, QStringLiteral("Open a folder of bounces"), settings.value(lastDirKey, QDir::homePath()).toString());
    if (!dir.isEmpty())
        openPaths({ dir });
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(recentKey).toStringList();
}

void MainWindow::addRecentFile(const QString &path)
{
    QStringList recent = recentFiles();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > maxRecentFiles)
        recent.removeLast();
    QSettings().setValue(recentKey, recent);
}

void MainWindow::fillRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = recentFiles();
    for (qsizetype i = 0; i < recent.size(); ++i) {
        const QString path = recent.at(i);
        QAction *action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()),
            this, [this, path] { openPaths({ path }); });
        action->setToolTip(path);
        action->setStatusTip(path);
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(QStringLiteral("(none yet)"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(QStringLiteral("Clear List"), this, [] { QSettings().remove(recentKey); });
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (m_loader && (event->mimeData()->hasUrls() || event->mimeData()->hasText()))
        event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    if (m_loader && (event->mimeData()->hasUrls() || event->mimeData()->hasText()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (openMimeData(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::about()
{
    QString text = QStringLiteral("<h3>Smtpscope %1</h3>"
                                  "<p>A workbench for email deliverability: decode SMTP replies, transcripts and "
                                  "bounces, and see why mail failed and what to do.</p>")
                       .arg(QStringLiteral(SMTPSCOPE_VERSION));
    if (m_kb)
        text += QStringLiteral("<p>Knowledge base %1.</p>").arg(m_kb->version().toHtmlEscaped());
    text += QStringLiteral("<p>Built with Qt %1.</p>").arg(QString::fromLatin1(qVersion()));
    QMessageBox::about(this, QStringLiteral("About Smtpscope"), text);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(geometryKey).toByteArray())) {
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 800);
        resize(std::min(1280, available.width() * 9 / 10), std::min(840, available.height() * 9 / 10));
    }
    restoreState(settings.value(stateKey).toByteArray());
    if (m_tabs) {
        m_tabs->setCurrentIndex(std::clamp(settings.value(tabKey, 0).toInt(), 0, m_tabs->count() - 1));
        m_decode->splitter()->restoreState(settings.value(decodeSplitterKey).toByteArray());
        m_reference->splitter()->restoreState(settings.value(referenceSplitterKey).toByteArray());
        m_documentsSplitter->restoreState(settings.value(documentsSplitterKey).toByteArray());
        m_documentView->horizontalSplitter()->restoreState(settings.value(documentSplitterKey).toByteArray());
        m_documentView->verticalSplitter()->restoreState(settings.value(sourceSplitterKey).toByteArray());
        m_documentView->bounce()->splitter()->restoreState(settings.value(bounceSplitterKey).toByteArray());
    }
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(geometryKey, saveGeometry());
    settings.setValue(stateKey, saveState());
    if (m_tabs) {
        settings.setValue(tabKey, m_tabs->currentIndex());
        settings.setValue(decodeSplitterKey, m_decode->splitter()->saveState());
        settings.setValue(referenceSplitterKey, m_reference->splitter()->saveState());
        settings.setValue(documentsSplitterKey, m_documentsSplitter->saveState());
        settings.setValue(documentSplitterKey, m_documentView->horizontalSplitter()->saveState());
        settings.setValue(sourceSplitterKey, m_documentView->verticalSplitter()->saveState());
        settings.setValue(bounceSplitterKey, m_documentView->bounce()->splitter()->saveState());
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace smtpscope::ui
