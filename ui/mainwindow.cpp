#include "mainwindow.h"

#include "codereferenceview.h"
#include "decodepane.h"

#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace smtpscope::ui {

namespace {

const QString geometryKey = QStringLiteral("MainWindow/geometry");
const QString stateKey = QStringLiteral("MainWindow/state");
const QString tabKey = QStringLiteral("MainWindow/tab");
const QString decodeSplitterKey = QStringLiteral("DecodePane/splitter");
const QString referenceSplitterKey = QStringLiteral("CodeReference/splitter");

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_kb(core::KnowledgeBase::builtIn())
{
    setWindowTitle(QStringLiteral("Smtpscope"));
    setObjectName(QStringLiteral("MainWindow"));
    createMenus();

    if (!m_kb) {
        showKnowledgeBaseError();
    } else {
        m_tabs = new QTabWidget(this);
        m_tabs->setObjectName(QStringLiteral("mainTabs"));
        m_tabs->setDocumentMode(true);
        m_decode = new DecodePane(m_kb, m_tabs);
        m_decode->setObjectName(QStringLiteral("decodePane"));
        m_reference = new CodeReferenceView(m_kb, m_tabs);
        m_reference->setObjectName(QStringLiteral("codeReference"));
        m_tabs->addTab(m_decode, QStringLiteral("&Decode a reply"));
        m_tabs->addTab(m_reference, QStringLiteral("Code &reference"));
        setCentralWidget(m_tabs);

        const core::KbData &d = m_kb->data();
        statusBar()->showMessage(QStringLiteral("Knowledge base %1: %2 reply codes, %3 enhanced codes, %4 providers, "
                                                "%5 rules")
                                     .arg(m_kb->version())
                                     .arg(d.replyCodes.size())
                                     .arg(d.enhancedCodes.size())
                                     .arg(d.providers.size())
                                     .arg(d.rules.size()));
    }
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    QAction *find = edit->addAction(QStringLiteral("&Find in Code Reference"), this, &MainWindow::findInReference);
    find->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
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

void MainWindow::findInReference()
{
    if (!m_reference)
        return;
    showTab(ReferenceTab);
    m_reference->focusSearch();
}

void MainWindow::about()
{
    QString text = QStringLiteral("<h3>Smtpscope %1</h3>"
                                  "<p>A workbench for email deliverability: decode SMTP replies, transcripts and "
                                  "bounces, and see why mail failed and what to do.</p>")
                       .arg(QStringLiteral(SMTPSCOPE_VERSION));
    if (m_kb)
        text += QStringLiteral("<p>Knowledge base %1.</p>").arg(m_kb->version().toHtmlEscaped());
    QMessageBox::about(this, QStringLiteral("About Smtpscope"), text);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(geometryKey).toByteArray())) {
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 800);
        resize(std::min(1200, available.width() * 9 / 10), std::min(820, available.height() * 9 / 10));
    }
    restoreState(settings.value(stateKey).toByteArray());
    if (m_tabs) {
        m_tabs->setCurrentIndex(std::clamp(settings.value(tabKey, 0).toInt(), 0, m_tabs->count() - 1));
        m_decode->splitter()->restoreState(settings.value(decodeSplitterKey).toByteArray());
        m_reference->splitter()->restoreState(settings.value(referenceSplitterKey).toByteArray());
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
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace smtpscope::ui
