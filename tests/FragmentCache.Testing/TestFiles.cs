namespace FragmentCache.Tests.Infrastructure;

/// <summary>Temp directories and files that the <c>memcache</c> user (memcached drops root to it) can read.</summary>
public static class TestFiles
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode FileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Creates a fresh directory with mode 0755 (or 0777 when <paramref name="worldWritable"/>,
    /// for a unix socket that memcached creates after dropping root).</summary>
    public static string CreateDirectory(string prefix, bool worldWritable = false)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        var mode = worldWritable
            ? DirectoryMode | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite
            : DirectoryMode;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, mode);
        }

        return directory;
    }

    /// <summary>Writes a file with mode 0644 and returns its path.</summary>
    public static string WriteFile(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode);
        }

        return path;
    }

    /// <summary>Deletes a directory tree, ignoring a directory that is already gone or busy.</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
