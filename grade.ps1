#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Grades a submission: a thin PowerShell 7 wrapper over `dotnet run --project autograder -- grade`.
.EXAMPLE
    ./grade.ps1                                    # the reference, every assignment, into ./results
.EXAMPLE
    ./grade.ps1 -Submission ~/Downloads/alice -Assignment cs446-hw5 -Out ./results/alice
#>
[CmdletBinding()]
param(
    # The student's .cs files: a folder or a .zip (default: reference/, or GenAI.Course/ in a student bundle).
    [string] $Submission,
    # Manifest name in autograder/assignments (default: every assignment).
    [string] $Assignment,
    # Output folder (default: ./results).
    [string] $Out,
    # Wall-clock limit for all checks, in seconds.
    [int] $Timeout,
    # Wall-clock limit for one call into student code, in seconds.
    [int] $CallTimeout,
    # Print the grade command's usage.
    [switch] $Help
)
$ErrorActionPreference = 'Stop'
# Paths as PowerShell users mean them: ~ and relative to the current location (not the process's working directory).
function Resolve-UserPath([string] $Path) { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path) }
$project = [System.IO.Path]::Combine($PSScriptRoot, 'autograder')
$arguments = @('run', '--project', $project, '--', 'grade')
if ($Help) { $arguments += '--help' }
if ($Submission) { $arguments += @('--submission', (Resolve-UserPath $Submission)) }
if ($Assignment) { $arguments += @('--assignment', $Assignment) }
if ($Out) { $arguments += @('--out', (Resolve-UserPath $Out)) }
if ($Timeout -gt 0) { $arguments += @('--timeout', $Timeout) }
if ($CallTimeout -gt 0) { $arguments += @('--call-timeout', $CallTimeout) }
& dotnet @arguments
exit $LASTEXITCODE
