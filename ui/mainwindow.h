#pragma once

#include "document.h"

#include "kb/knowledgebase.h"

#include <QMainWindow>

class QLabel;
class QListView;
class QMenu;
class QMimeData;
class QProgressBar;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace smtpscope::ui {

class CodeReferenceView;
class DecodePane;
class DocumentLoader;
class DocumentModel;
class DocumentView;

/// The workbench window: opened documents (transcripts, bounces) with their views, a reply decoder and the
/// code reference, over the built-in knowledge base.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab { DocumentsTab, DecodeTab, ReferenceTab };
    static constexpr int maxRecentFiles = 10;

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Null when the knowledge base failed to load (the error is shown instead).
    DecodePane *decodePane() const { return m_decode; }
    CodeReferenceView *codeReference() const { return m_reference; }
    DocumentView *documentView() const { return m_documentView; }
    DocumentModel *documentModel() const { return m_documents; }
    QListView *documentList() const { return m_documentList; }
    DocumentLoader *loader() const { return m_loader; }
    QLabel *emptyState() const { return m_empty; }
    QTabWidget *tabs() const { return m_tabs; }
    std::shared_ptr<const core::KnowledgeBase> knowledgeBase() const { return m_kb; }

    void showTab(Tab tab);

    /// Opens files and folders (each one document), shown as they finish loading.
    void openPaths(const QStringList &paths);
    /// Opens pasted text as a document named "Pasted text N".
    void openText(const QByteArray &bytes);
    /// Opens what the clipboard holds: file URLs or text.
    void pasteDocument();
    /// The currently shown document row, -1 when none.
    int currentDocument() const;
    void setCurrentDocument(int row);
    void closeCurrentDocument();
    QStringList recentFiles() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createDocumentsTab();
    void createMenus();
    void showKnowledgeBaseError();
    void find();
    void openDialog();
    void openFolderDialog();
    void about();
    void restoreSettings();
    void saveSettings() const;
    void addRecentFile(const QString &path);
    void fillRecentMenu();
    void showCurrentDocument();
    void updateStatus();
    void openCode(const QString &code);
    bool openMimeData(const QMimeData *mime);

    std::shared_ptr<const core::KnowledgeBase> m_kb;
    QTabWidget *m_tabs = nullptr;
    DecodePane *m_decode = nullptr;
    CodeReferenceView *m_reference = nullptr;
    DocumentModel *m_documents = nullptr;
    DocumentLoader *m_loader = nullptr;
    QListView *m_documentList = nullptr;
    QStackedWidget *m_documentStack = nullptr;
    QLabel *m_empty = nullptr;
    DocumentView *m_documentView = nullptr;
    QSplitter *m_documentsSplitter = nullptr;
    QMenu *m_recentMenu = nullptr;
    QProgressBar *m_statusProgress = nullptr;
    QToolButton *m_statusStop = nullptr;
    int m_pasteCount = 0;
};

} // namespace smtpscope::ui
